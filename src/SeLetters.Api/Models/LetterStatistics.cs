namespace SeLetters.Api.Models;

/// <summary>
/// The seed's getLetterStatistics (counts and averages over all letters; averages are null when there are none),
/// with the breakdowns the dashboard shows.
/// </summary>
public sealed record LetterStatistics(
    int TotalLetters,
    int ProcessedCount,
    int FailedCount,
    double? AvgConfidence,
    double? AvgProcessingTime,
    IReadOnlyDictionary<string, int> StatusCounts,
    IReadOnlyList<DailyCount> LettersPerDay,
    IReadOnlyList<ConfidenceBucket> ConfidenceHistogram,
    int TotalProducts,
    int TotalMatches,
    IReadOnlyList<RangeCount> RangeCounts,
    IReadOnlyList<FailedStep> FailedSteps);

/// <summary>Letters created on one day (UTC); days without letters are left out.</summary>
public sealed record DailyCount(DateOnly Day, int Count);

/// <summary>Letters whose extraction confidence is in [from, to); the last bucket includes 1.0.</summary>
public sealed record ConfidenceBucket(double From, double To, int Count);

/// <summary>
/// Letters with at least one product in this range: a letter counts once per distinct <c>range_label</c> of its
/// products; a NULL label, or one of only blanks, names no range and is not counted.
/// </summary>
public sealed record RangeCount(string RangeLabel, int Letters);

/// <summary>
/// Processing steps of this name whose <c>step_success</c> is false (NULL is not a failure), and the error message of
/// the latest of them (by <c>step_timestamp</c>, then id; null when that one has none).
/// </summary>
public sealed record FailedStep(string ProcessingStep, int Failures, string? LatestErrorMessage);
