using System.Text.Json;
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

    /// <summary>The document of a loaded letter, each match with its catalogue row when <paramref name="catalogue"/> has it.</summary>
    public static LetterDocument ToDocument(this Letter letter, IReadOnlyDictionary<string, CatalogueProduct> catalogue) => new()
    {
        Id = letter.Id,
        DocumentName = letter.DocumentName,
        DocumentType = letter.DocumentType,
        DocumentTitle = letter.DocumentTitle,
        SourceFilePath = letter.SourceFilePath,
        FileSize = letter.FileSize,
        FileHash = letter.FileHash,
        ProcessingMethod = letter.ProcessingMethod,
        ProcessingTimeMs = letter.ProcessingTimeMs,
        ExtractionConfidence = letter.ExtractionConfidence,
        CreatedAt = letter.CreatedAt,
        UpdatedAt = letter.UpdatedAt,
        Status = letter.Status,
        RawGrokJson = ParseJson(letter.RawGrokJson),
        OcrSupplementaryJson = ParseJson(letter.OcrSupplementaryJson),
        ProcessingStepsJson = ParseJson(letter.ProcessingStepsJson),
        ValidationDetailsJson = ParseJson(letter.ValidationDetailsJson),
        Products = letter.Products.Select(product => new ProductDocument
        {
            Id = product.Id,
            ProductIdentifier = product.ProductIdentifier,
            RangeLabel = product.RangeLabel,
            SubrangeLabel = product.SubrangeLabel,
            ProductLine = product.ProductLine,
            ProductDescription = product.ProductDescription,
            ObsolescenceStatus = product.ObsolescenceStatus,
            EndOfServiceDate = product.EndOfServiceDate,
            ReplacementSuggestions = product.ReplacementSuggestions,
            ConfidenceScore = product.ConfidenceScore,
            ValidationStatus = product.ValidationStatus,
            Matches = product.Matches.Select(match => new MatchDocument
            {
                Id = match.Id,
                IbcatalogueProductIdentifier = match.IbcatalogueProductIdentifier,
                MatchConfidence = match.MatchConfidence,
                MatchReason = match.MatchReason,
                TechnicalMatchScore = match.TechnicalMatchScore,
                NomenclatureMatchScore = match.NomenclatureMatchScore,
                ProductLineMatchScore = match.ProductLineMatchScore,
                MatchType = match.MatchType,
                RangeBasedMatching = match.RangeBasedMatching,
                CreatedAt = match.CreatedAt,
                CatalogueProduct = catalogue.GetValueOrDefault(match.IbcatalogueProductIdentifier),
            }).ToList(),
        }).ToList(),
        ProcessingDebug = letter.ProcessingDebug.Select(step => new DebugStepDocument
        {
            Id = step.Id,
            ProcessingStep = step.ProcessingStep,
            StepTimestamp = step.StepTimestamp,
            StepDurationMs = step.StepDurationMs,
            StepSuccess = step.StepSuccess,
            StepDetails = step.StepDetails,
            ErrorMessage = step.ErrorMessage,
        }).ToList(),
    };

    private static JsonElement? ParseJson(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
