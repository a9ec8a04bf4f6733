using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using SeLetters.Api.Catalogue;
using SeLetters.Api.Validation;

namespace SeLetters.Api.Models;

/// <summary>
/// A letter as the pipeline stores it and as the API returns it: the letter's columns, its products (each with its
/// catalogue matches) and its processing debug steps. Server-set fields (ids, <c>catalogue_product</c>) are ignored in.
/// The attributes are the bounds of a stored letter (docs/api.md, "Bounds").
/// </summary>
public sealed record LetterDocument : IValidatableObject
{
    public const int MaxProducts = 5_000;
    public const int MaxMatches = 10_000;
    public const int MaxDebugSteps = 1_000;

    public int Id { get; init; }
    [Required, Text(FieldLengths.Name)] public string? DocumentName { get; init; }
    [Text(FieldLengths.Name)] public string? DocumentType { get; init; }
    [Text(FieldLengths.Text)] public string? DocumentTitle { get; init; }
    [Required, Text(FieldLengths.Name)] public string? SourceFilePath { get; init; }
    [Range(0, int.MaxValue)] public int? FileSize { get; init; }
    [Text(FieldLengths.FileHash)] public string? FileHash { get; init; }
    [Text(FieldLengths.Name)] public string? ProcessingMethod { get; init; }
    [Range(0.0, float.MaxValue)] public float? ProcessingTimeMs { get; init; }
    [Range(0.0, 1.0)] public float? ExtractionConfidence { get; init; }
    public DateTime? CreatedAt { get; init; }
    public DateTime? UpdatedAt { get; init; }
    [Text(FieldLengths.Status)] public string? Status { get; init; }
    [JsonDocument] public JsonElement? RawGrokJson { get; init; }
    [JsonDocument] public JsonElement? OcrSupplementaryJson { get; init; }
    [JsonDocument] public JsonElement? ProcessingStepsJson { get; init; }
    [JsonDocument] public JsonElement? ValidationDetailsJson { get; init; }

    // A client sending null means none: the setters keep the lists non-null.
    [MaxLength(MaxProducts)] public IReadOnlyList<ProductDocument> Products { get; init => field = value ?? []; } = [];
    [MaxLength(MaxDebugSteps)] public IReadOnlyList<DebugStepDocument> ProcessingDebug { get; init => field = value ?? []; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Products.Sum(product => product.Matches.Count) > MaxMatches)
        {
            yield return new ValidationResult($"A letter has at most {MaxMatches} matches over all its products.", [nameof(Products)]);
        }
    }
}

public sealed record ProductDocument
{
    public const int MaxMatches = 1_000;

    public int Id { get; init; }
    [Text(FieldLengths.Name)] public string? ProductIdentifier { get; init; }
    [Text(FieldLengths.Name)] public string? RangeLabel { get; init; }
    [Text(FieldLengths.Name)] public string? SubrangeLabel { get; init; }
    [Text(FieldLengths.Name)] public string? ProductLine { get; init; }
    [Text(FieldLengths.Text)] public string? ProductDescription { get; init; }
    [Text(FieldLengths.Name)] public string? ObsolescenceStatus { get; init; }
    [Text(FieldLengths.Name)] public string? EndOfServiceDate { get; init; }
    [Text(FieldLengths.Text)] public string? ReplacementSuggestions { get; init; }
    [Range(0.0, 1.0)] public float? ConfidenceScore { get; init; }
    [Text(FieldLengths.Name)] public string? ValidationStatus { get; init; }
    [MaxLength(MaxMatches)] public IReadOnlyList<MatchDocument> Matches { get; init => field = value ?? []; } = [];
}

public sealed record MatchDocument
{
    public int Id { get; init; }
    [Required, Text(FieldLengths.Name)] public string? IbcatalogueProductIdentifier { get; init; }
    [Range(0.0, 1.0)] public float MatchConfidence { get; init; }
    [Text(FieldLengths.Text)] public string? MatchReason { get; init; }
    [Range(0.0, 1.0)] public float? TechnicalMatchScore { get; init; }
    [Range(0.0, 1.0)] public float? NomenclatureMatchScore { get; init; }
    [Range(0.0, 1.0)] public float? ProductLineMatchScore { get; init; }
    [Text(FieldLengths.Name)] public string? MatchType { get; init; }
    public bool? RangeBasedMatching { get; init; }
    public DateTime? CreatedAt { get; init; }

    /// <summary>The IBcatalogue row of <see cref="IbcatalogueProductIdentifier"/>; null when the catalogue has none.</summary>
    public CatalogueProduct? CatalogueProduct { get; init; }
}

public sealed record DebugStepDocument
{
    public int Id { get; init; }
    [Required, Text(FieldLengths.Name)] public string? ProcessingStep { get; init; }
    public DateTime? StepTimestamp { get; init; }
    [Range(0.0, float.MaxValue)] public float? StepDurationMs { get; init; }
    public bool? StepSuccess { get; init; }
    [Text(FieldLengths.Text)] public string? StepDetails { get; init; }
    [Text(FieldLengths.Text)] public string? ErrorMessage { get; init; }
}
