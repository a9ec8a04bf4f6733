using SeLetters.Api.Models;

namespace SeLetters.Api.Letters;

internal static class LetterValidation
{
    /// <summary>The NOT NULL columns a stored letter must fill, keyed by their JSON path; empty when the letter is valid.</summary>
    public static Dictionary<string, string[]> Validate(LetterDocument letter)
    {
        var errors = new Dictionary<string, string[]>();
        Require(errors, "document_name", letter.DocumentName);
        Require(errors, "source_file_path", letter.SourceFilePath);
        for (var p = 0; p < letter.Products.Count; p++)
        {
            var matches = letter.Products[p].Matches;
            for (var m = 0; m < matches.Count; m++)
            {
                Require(errors, $"products[{p}].matches[{m}].ibcatalogue_product_identifier", matches[m].IbcatalogueProductIdentifier);
            }
        }

        for (var s = 0; s < letter.ProcessingDebug.Count; s++)
        {
            Require(errors, $"processing_debug[{s}].processing_step", letter.ProcessingDebug[s].ProcessingStep);
        }

        return errors;
    }

    private static void Require(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"{field} is required."];
        }
    }
}
