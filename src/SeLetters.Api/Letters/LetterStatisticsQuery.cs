using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SeLetters.Api.Models;
using SeLetters.Data;

namespace SeLetters.Api.Letters;

/// <summary>
/// The statistics from the per-bucket totals the database keeps up to date in every writing transaction
/// (<c>letter_statistics</c>, docs/schema.md): a few dozen rows read instead of every letter (one per range and per
/// failing step besides), exact as of the read's snapshot.
/// </summary>
internal static class LetterStatisticsQuery
{
    private const int Days = 30;
    private const int Buckets = 10;
    private const int Top = 10;

    public static async Task<LetterStatistics> ComputeAsync(LettersDbContext db, CancellationToken cancellationToken)
    {
        // The days are UTC days on the database's clock, as created_at is written; letters dated after today (imported
        // with a skewed clock) are not among the last 30 days. Ranges and failed steps: the most common first, ties by
        // name (ordinal), each failed step with its latest error message read in the same statement, so as of the
        // same snapshot as its count (one probe of idx_debug_failed_step_latest per step). Days outside the 30 are left
        // out before the totals are summed, not after: a day row is kept for every day letters were ever created on
        // (2,570 at 100,000 generated letters), and summing them all took 7 of the 13 ms the statement ran. The window's
        // ends are subqueries so that they are computed once, not for every row tested.
        var totals = await db.Database.SqlQuery<StatisticsTotal>($"""
            WITH totals AS (
                SELECT metric, bucket, value FROM letter_statistics_current
                WHERE metric <> 'day'
                    OR bucket BETWEEN (SELECT to_char((now() AT TIME ZONE 'UTC')::date - {Days - 1}, 'YYYY-MM-DD'))
                        AND (SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'))),
            ranked AS (
                SELECT metric, bucket, value, row_number() OVER (PARTITION BY metric ORDER BY value DESC, bucket COLLATE "C") AS rank
                FROM totals WHERE metric IN ('range', 'failed_step'))
            SELECT metric, bucket, value, 0::bigint AS rank, NULL::text AS latest_error_message
            FROM totals
            WHERE metric NOT IN ('range', 'failed_step')
            UNION ALL
            SELECT r.metric, r.bucket, r.value, r.rank, latest.error_message
            FROM ranked r
            LEFT JOIN LATERAL (
                SELECT d.error_message FROM processing_debug d
                WHERE r.metric = 'failed_step' AND d.processing_step = r.bucket AND d.step_success = false
                ORDER BY d.step_timestamp DESC NULLS LAST, d.id DESC
                LIMIT 1) latest ON true
            WHERE r.rank <= {Top}
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
            Count("matches"),
            Ranked("range").Select(range => new RangeCount(range.Bucket, (int)range.Value)).ToList(),
            Ranked("failed_step").Select(step => new FailedStep(step.Bucket, (int)step.Value, step.LatestErrorMessage)).ToList());

        IEnumerable<StatisticsTotal> Ranked(string metric) => byMetric[metric].OrderBy(total => total.Rank);
    }

    private sealed class StatisticsTotal
    {
        public required string Metric { get; init; }

        public required string Bucket { get; init; }

        public required decimal Value { get; init; }

        public required long Rank { get; init; }

        public string? LatestErrorMessage { get; init; }
    }
}
