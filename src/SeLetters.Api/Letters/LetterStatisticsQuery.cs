using Microsoft.EntityFrameworkCore;
using SeLetters.Api.Models;
using SeLetters.Data;

namespace SeLetters.Api.Letters;

internal static class LetterStatisticsQuery
{
    private const int Days = 30;
    private const int Buckets = 10;

    public static async Task<LetterStatistics> ComputeAsync(LettersDbContext db, CancellationToken cancellationToken)
    {
        var totals = await db.Letters
            .GroupBy(_ => 1)
            .Select(all => new
            {
                Total = all.Count(),
                Processed = all.Count(l => l.Status == "processed"),
                Failed = all.Count(l => l.Status == "failed"),
                AvgConfidence = all.Average(l => (double?)l.ExtractionConfidence),
                AvgProcessingTime = all.Average(l => (double?)l.ProcessingTimeMs),
            })
            .SingleOrDefaultAsync(cancellationToken);

        var statusCounts = await db.Letters
            .GroupBy(l => l.Status ?? "")
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Status, g => g.Count, cancellationToken);

        // DateTime.Today is translated to the database's current date, the clock created_at is written with.
        var perDay = await db.Letters
            .Where(l => l.CreatedAt >= DateTime.Today.AddDays(1 - Days))
            .GroupBy(l => l.CreatedAt!.Value.Date)
            .Select(g => new { Day = g.Key, Count = g.Count() })
            .OrderBy(g => g.Day)
            .ToListAsync(cancellationToken);

        var histogram = await db.Letters
            .Where(l => l.ExtractionConfidence != null)
            .GroupBy(l => l.ExtractionConfidence >= 1 ? Buckets - 1 : (int)Math.Floor(l.ExtractionConfidence!.Value * Buckets))
            .Select(g => new { Bucket = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Bucket, g => g.Count, cancellationToken);

        return new LetterStatistics(
            totals?.Total ?? 0,
            totals?.Processed ?? 0,
            totals?.Failed ?? 0,
            totals?.AvgConfidence,
            totals?.AvgProcessingTime,
            statusCounts,
            perDay.Select(d => new DailyCount(DateOnly.FromDateTime(d.Day), d.Count)).ToList(),
            Enumerable.Range(0, Buckets)
                .Select(b => new ConfidenceBucket((double)b / Buckets, (double)(b + 1) / Buckets, histogram.GetValueOrDefault(b)))
                .ToList(),
            await db.LetterProducts.CountAsync(cancellationToken),
            await db.LetterProductMatches.CountAsync(cancellationToken));
    }
}
