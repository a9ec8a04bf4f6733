namespace SeLetters.Api.Models;

/// <summary>The seed's getLetterStatistics: counts and averages over all letters (averages are null when there are none).</summary>
public sealed record LetterStatistics(
    int TotalLetters,
    int ProcessedCount,
    int FailedCount,
    double? AvgConfidence,
    double? AvgProcessingTime)
{
    public static readonly LetterStatistics Empty = new(0, 0, 0, null, null);
}
