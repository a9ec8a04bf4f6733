using SeLetters.Api.Catalogue;
using SeLetters.Api.Models;
using SeLetters.Data.Entities;

namespace SeLetters.Api.Letters;

/// <summary>Between the stored rows and the API's letter document.</summary>
internal static class LetterMapping
{
    /// <summary>A new letter with its products, matches and debug steps. Ids and the letter's timestamps are the server's.</summary>
    public static Letter ToEntity(this LetterDocument document)
    {
        var letter = new Letter
        {
            DocumentName = document.DocumentName!,
            DocumentType = document.DocumentType,
            DocumentTitle = document.DocumentTitle,
            SourceFilePath = document.SourceFilePath!,
            FileSize = document.FileSize,
            FileHash = document.FileHash,
            ProcessingMethod = document.ProcessingMethod,
            ProcessingTimeMs = document.ProcessingTimeMs,
            ExtractionConfidence = document.ExtractionConfidence,
            Status = document.Status,
            RawGrokJson = document.RawGrokJson?.GetRawText(),
            OcrSupplementaryJson = document.OcrSupplementaryJson?.GetRawText(),
            ProcessingStepsJson = document.ProcessingStepsJson?.GetRawText(),
            ValidationDetailsJson = document.ValidationDetailsJson?.GetRawText(),
        };

        foreach (var productDocument in document.Products)
        {
            var product = new LetterProduct
            {
                ProductIdentifier = productDocument.ProductIdentifier,
                RangeLabel = productDocument.RangeLabel,
                SubrangeLabel = productDocument.SubrangeLabel,
                ProductLine = productDocument.ProductLine,
                ProductDescription = productDocument.ProductDescription,
                ObsolescenceStatus = productDocument.ObsolescenceStatus,
                EndOfServiceDate = productDocument.EndOfServiceDate,
                ReplacementSuggestions = productDocument.ReplacementSuggestions,
                ConfidenceScore = productDocument.ConfidenceScore,
                ValidationStatus = productDocument.ValidationStatus,
            };
            product.Matches.AddRange(productDocument.Matches.Select(match => new LetterProductMatch
            {
                Letter = letter,
                IbcatalogueProductIdentifier = match.IbcatalogueProductIdentifier!,
                MatchConfidence = match.MatchConfidence,
                MatchReason = match.MatchReason,
                TechnicalMatchScore = match.TechnicalMatchScore,
                NomenclatureMatchScore = match.NomenclatureMatchScore,
                ProductLineMatchScore = match.ProductLineMatchScore,
                MatchType = match.MatchType,
                RangeBasedMatching = match.RangeBasedMatching,
            }));
            letter.Products.Add(product);
        }

        letter.ProcessingDebug.AddRange(document.ProcessingDebug.Select(step => new ProcessingDebugStep
        {
            ProcessingStep = step.ProcessingStep!,
            StepTimestamp = step.StepTimestamp,
            StepDurationMs = step.StepDurationMs,
            StepSuccess = step.StepSuccess,
            StepDetails = step.StepDetails,
            ErrorMessage = step.ErrorMessage,
        }));

        return letter;
    }

    /// <summary>The letter with each match's catalogue row, where <paramref name="catalogue"/> has it.</summary>
    public static LetterDocument WithCatalogue(this LetterDocument letter, IReadOnlyDictionary<string, CatalogueProduct> catalogue) =>
        catalogue.Count == 0
            ? letter
            : letter with
            {
                Products = [.. letter.Products.Select(product => product with
                {
                    Matches = [.. product.Matches.Select(match => match with
                    {
                        CatalogueProduct = match.IbcatalogueProductIdentifier is { } identifier ? catalogue.GetValueOrDefault(identifier) : null,
                    })],
                })],
            };
}
