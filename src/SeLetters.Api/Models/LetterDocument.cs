using System.Text.Json;
using SeLetters.Api.Catalogue;

namespace SeLetters.Api.Models;

/// <summary>
/// A letter as the pipeline stores it and as the API returns it: the letter's columns, its products (each with its
/// catalogue matches) and its processing debug steps. Server-set fields (ids, <c>catalogue_product</c>) are ignored in.
/// </summary>
public sealed record LetterDocument
{
    public int Id { get; init; }
    public string? DocumentName { get; init; }
    public string? DocumentType { get; init; }
    public string? DocumentTitle { get; init; }
    public string? SourceFilePath { get; init; }
    public int? FileSize { get; init; }
    public string? FileHash { get; init; }
    public string? ProcessingMethod { get; init; }
    public float? ProcessingTimeMs { get; init; }
    public float? ExtractionConfidence { get; init; }
    public DateTime? CreatedAt { get; init; }
    public DateTime? UpdatedAt { get; init; }
    public string? Status { get; init; }
    public JsonElement? RawGrokJson { get; init; }
    public JsonElement? OcrSupplementaryJson { get; init; }
    public JsonElement? ProcessingStepsJson { get; init; }
    public JsonElement? ValidationDetailsJson { get; init; }
    // A client sending null means none: the setters keep the lists non-null.
    public IReadOnlyList<ProductDocument> Products { get; init => field = value ?? []; } = [];
    public IReadOnlyList<DebugStepDocument> ProcessingDebug { get; init => field = value ?? []; } = [];
}

public sealed record ProductDocument
{
    public int Id { get; init; }
    public string? ProductIdentifier { get; init; }
    public string? RangeLabel { get; init; }
    public string? SubrangeLabel { get; init; }
    public string? ProductLine { get; init; }
    public string? ProductDescription { get; init; }
    public string? ObsolescenceStatus { get; init; }
    public string? EndOfServiceDate { get; init; }
    public string? ReplacementSuggestions { get; init; }
    public float? ConfidenceScore { get; init; }
    public string? ValidationStatus { get; init; }
    public IReadOnlyList<MatchDocument> Matches { get; init => field = value ?? []; } = [];
}

public sealed record MatchDocument
{
    public int Id { get; init; }
    public string? IbcatalogueProductIdentifier { get; init; }
    public float MatchConfidence { get; init; }
    public string? MatchReason { get; init; }
    public float? TechnicalMatchScore { get; init; }
    public float? NomenclatureMatchScore { get; init; }
    public float? ProductLineMatchScore { get; init; }
    public string? MatchType { get; init; }
    public bool? RangeBasedMatching { get; init; }
    public DateTime? CreatedAt { get; init; }

    /// <summary>The IBcatalogue row of <see cref="IbcatalogueProductIdentifier"/>; null when the catalogue has none.</summary>
    public CatalogueProduct? CatalogueProduct { get; init; }
}

public sealed record DebugStepDocument
{
    public int Id { get; init; }
    public string? ProcessingStep { get; init; }
    public DateTime? StepTimestamp { get; init; }
    public float? StepDurationMs { get; init; }
    public bool? StepSuccess { get; init; }
    public string? StepDetails { get; init; }
    public string? ErrorMessage { get; init; }
}
