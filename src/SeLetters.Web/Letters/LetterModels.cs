using System.Text.Json;
using System.Text.Json.Serialization;

namespace SeLetters.Web.Letters;

// The API's JSON as this app reads it (snake_case on the wire): only the fields the pages show.

/// <summary>A page of <c>GET /api/letters</c>. <see cref="TotalCapped"/>: the API stopped counting at <see cref="Total"/>.</summary>
public sealed record SearchPage(IReadOnlyList<LetterSummary> Data, int Total, int Page, int Limit, int TotalPages, bool TotalCapped);

public sealed record LetterSummary(
    int Id,
    string DocumentName,
    string? DocumentType,
    string? DocumentTitle,
    string SourceFilePath,
    float? ProcessingTimeMs,
    float? ExtractionConfidence,
    DateTime? CreatedAt,
    string? Status);

/// <summary><c>GET /api/letters/{id}</c>.</summary>
public sealed record LetterDetails
{
    public int Id { get; init; }
    public required string DocumentName { get; init; }
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
    public IReadOnlyList<ProductDetails> Products { get; init; } = [];
    public IReadOnlyList<DebugStep> ProcessingDebug { get; init; } = [];

    /// <summary>The version the API's ETag gave: a change sends it back in If-Match, so it applies to this letter as it was read.</summary>
    [JsonIgnore] public string? Version { get; init; }
}

public sealed record ProductDetails
{
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
    public IReadOnlyList<CatalogueMatch> Matches { get; init; } = [];
}

public sealed record CatalogueMatch
{
    public required string IbcatalogueProductIdentifier { get; init; }
    public float MatchConfidence { get; init; }
    public string? MatchReason { get; init; }
    public string? MatchType { get; init; }
    public CatalogueProduct? CatalogueProduct { get; init; }
}

public sealed record CatalogueProduct
{
    public string? ProductDescription { get; init; }
    public string? RangeLabel { get; init; }
    public string? SubrangeLabel { get; init; }
    public string? CommercialStatus { get; init; }
    public DateOnly? EndOfProductionDate { get; init; }
    public DateOnly? EndOfCommercialisation { get; init; }
    public DateOnly? EndOfServiceDate { get; init; }
}

/// <summary>A processing debug step: one stage of the pipeline for this letter.</summary>
public sealed record DebugStep
{
    public required string ProcessingStep { get; init; }
    public DateTime? StepTimestamp { get; init; }
    public float? StepDurationMs { get; init; }
    public bool? StepSuccess { get; init; }
    public string? StepDetails { get; init; }
    public string? ErrorMessage { get; init; }
}

/// <summary><c>GET /api/letters/statistics</c>.</summary>
public sealed record LetterStatistics
{
    public int TotalLetters { get; init; }
    public int ProcessedCount { get; init; }
    public int FailedCount { get; init; }
    public double? AvgConfidence { get; init; }
    public double? AvgProcessingTime { get; init; }
    public IReadOnlyDictionary<string, int> StatusCounts { get; init; } = new Dictionary<string, int>();
    public IReadOnlyList<DailyCount> LettersPerDay { get; init; } = [];
    public IReadOnlyList<ConfidenceBucket> ConfidenceHistogram { get; init; } = [];
    public int TotalProducts { get; init; }
    public int TotalMatches { get; init; }
    public IReadOnlyList<RangeCount> RangeCounts { get; init; } = [];
    public IReadOnlyList<FailedStep> FailedSteps { get; init; } = [];
}

public sealed record DailyCount(DateOnly Day, int Count);

public sealed record ConfidenceBucket(double From, double To, int Count);

/// <summary>Letters with a product in this range (the most common first).</summary>
public sealed record RangeCount(string RangeLabel, int Letters);

/// <summary>Failures of a processing step (the most frequent first) and the latest one's error message.</summary>
public sealed record FailedStep(string ProcessingStep, int Failures, string? LatestErrorMessage);
