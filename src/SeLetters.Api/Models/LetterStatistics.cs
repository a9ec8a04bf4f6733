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
    int TotalMatches);

/// <summary>Letters created on one day (UTC); days without letters are left out.</summary>
public sealed record DailyCount(DateOnly Day, int Count);

/// <summary>Letters whose extraction confidence is in [from, to); the last bucket includes 1.0.</summary>
public sealed record ConfidenceBucket(double From, double To, int Count);
