using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SeLetters.Api.Models;
using SeLetters.Data;

namespace SeLetters.Api.Letters;

/// <summary>
/// The statistics from the per-bucket totals the database keeps up to date in every writing transaction
/// (<c>letter_statistics</c>, docs/schema.md): a few dozen rows read instead of every letter, exact as of the read's snapshot.
/// </summary>
internal static class LetterStatisticsQuery
{
    private const int Days = 30;
    private const int Buckets = 10;

    public static async Task<LetterStatistics> ComputeAsync(LettersDbContext db, CancellationToken cancellationToken)
    {
        // The days are UTC days on the database's clock, as created_at is written; letters dated after today (imported
        // with a skewed clock) are not among the last 30 days.
        var totals = await db.Database.SqlQuery<StatisticsTotal>($"""
            SELECT metric AS "Metric", bucket AS "Bucket", value AS "Value"
            FROM letter_statistics_current
            WHERE metric <> 'day' OR bucket BETWEEN to_char((now() AT TIME ZONE 'UTC')::date - {Days - 1}, 'YYYY-MM-DD')
                AND to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')
            """).ToListAsync(cancellationToken);

        var byMetric = totals.ToLookup(total => total.Metric);
        decimal Total(string metric) => byMetric[metric].Sum(total => total.Value);
        int Count(string metric) => (int)Total(metric);
        double? Average(string sum, string count) => Total(count) is > 0 and var n ? (double)(Total(sum) / n) : null;
        var statusCounts = byMetric["status"].ToDictionary(total => total.Bucket, total => (int)total.Value);
        var histogram = byMetric["confidence_bucket"].ToDictionary(total => int.Parse(total.Bucket, CultureInfo.InvariantCulture), total => (int)total.Value);

        return new LetterStatistics(
            Count("letters"),
            statusCounts.GetValueOrDefault("processed"),
            statusCounts.GetValueOrDefault("failed"),
            Average("confidence_sum", "confidence_count"),
            Average("processing_time_sum", "processing_time_count"),
            statusCounts,
            byMetric["day"].Select(day => new DailyCount(DateOnly.ParseExact(day.Bucket, "yyyy-MM-dd", CultureInfo.InvariantCulture), (int)day.Value))
                .OrderBy(day => day.Day).ToList(),
            Enumerable.Range(0, Buckets)
                .Select(b => new ConfidenceBucket((double)b / Buckets, (double)(b + 1) / Buckets, histogram.GetValueOrDefault(b)))
                .ToList(),
            Count("products"),
            Count("matches"));
    }

    private sealed class StatisticsTotal
    {
        public required string Metric { get; init; }

        public required string Bucket { get; init; }

        public required decimal Value { get; init; }
    }
}
