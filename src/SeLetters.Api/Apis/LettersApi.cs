using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SeLetters.Api.Models;
using SeLetters.Data;

namespace SeLetters.Api.Apis;

internal static class LettersApi
{
    public static RouteGroupBuilder MapLettersApi(this IEndpointRouteBuilder app)
    {
        var letters = app.MapGroup("/api/letters").WithTags("Letters");

        letters.MapGet("/statistics", GetStatistics)
            .WithName("GetLetterStatistics")
            .WithSummary("Counts and averages over all letters");

        return letters;
    }

    private static async Task<Ok<LetterStatistics>> GetStatistics(LettersDbContext db, CancellationToken cancellationToken)
    {
        var statistics = await db.Letters
            .GroupBy(_ => 1)
            .Select(all => new LetterStatistics(
                all.Count(),
                all.Count(l => l.Status == "processed"),
                all.Count(l => l.Status == "failed"),
                all.Average(l => (double?)l.ExtractionConfidence),
                all.Average(l => (double?)l.ProcessingTimeMs)))
            .SingleOrDefaultAsync(cancellationToken);

        return TypedResults.Ok(statistics ?? LetterStatistics.Empty);
    }
}
