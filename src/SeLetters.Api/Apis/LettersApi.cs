using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SeLetters.Api.Letters;
using SeLetters.Api.Models;
using SeLetters.Api.Security;
using SeLetters.Api.Validation;
using SeLetters.Data;

namespace SeLetters.Api.Apis;

internal static class LettersApi
{
    public static RouteGroupBuilder MapLettersApi(this IEndpointRouteBuilder app)
    {
        var maxBodyBytes = app.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value.MaxBodyBytes;
        var letters = app.MapGroup("/api/letters").WithTags("Letters")
            .ProducesValidationProblem();

        letters.MapGet("/", SearchLetters)
            .WithName("SearchLetters")
            .WithSummary("Search, filter, sort and page the letters");
        letters.MapGet("/{id:int}", GetLetter)
            .WithName("GetLetter")
            .WithSummary("A letter with its products, their catalogue matches and its processing debug steps; its version in ETag");
        letters.MapGet("/by-hash/{file_hash}", GetLetterByHash)
            .WithName("GetLetterByHash")
            .WithSummary("The letter stored for a file hash: the pipeline's \"already processed?\" check");
        letters.MapGet("/statistics", GetStatistics)
            .WithName("GetLetterStatistics")
            .WithSummary("Counts, averages and breakdowns over all letters");

        var writes = letters.MapGroup("")
            .RequireAuthorization()
            .WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        writes.MapPost("/", StoreLetter)
            .WithName("StoreLetter")
            .WithSummary("Store a processed letter; a file hash already stored returns that letter instead (200)");

        var versioned = writes.MapGroup("/{id:int}")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        versioned.MapPut("", ReplaceLetter)
            .WithName("ReplaceLetter")
            .WithSummary("Reprocess a letter: replace its fields, products, matches and debug steps, keeping its id and created_at (If-Match: its ETag)");
        versioned.MapPatch("", PatchLetter)
            .WithName("PatchLetter")
            .WithSummary("Change a letter's status, title or type (If-Match: its ETag)");
        versioned.MapDelete("", DeleteLetter)
            .WithName("DeleteLetter")
            .WithSummary("Delete a letter with its products, matches and debug steps (If-Match: its ETag)");

        return letters;
    }

    /// <summary>
    /// The page; and the way the search found it, in <c>Server-Timing</c> (<c>search;desc="walk, count"</c>) and on the
    /// request's trace: what tells why one search was slow (a walk that ran out of budget, a way remembered from an
    /// earlier search) without reading the database's logs. The search benchmark records it for each search.
    /// </summary>
    private static async Task<Ok<PagedResult<LetterSummary>>> SearchLetters(
        [AsParameters] LetterSearchQuery query, LetterSearch search, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var outcome = await search.SearchAsync(query, cancellationToken);
        httpContext.Response.Headers["Server-Timing"] = $"search;desc=\"{outcome.Way}\"";
        Activity.Current?.SetTag("seletters.search.way", outcome.Way);
        return TypedResults.Ok(outcome.Page);
    }

    private static async Task<Results<Ok<LetterDocument>, NotFound>> GetLetter(
        int id, LetterStore store, HttpContext httpContext, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } stored ? Versioned(httpContext, stored) : TypedResults.NotFound();

    private static async Task<Results<Ok<LetterDocument>, NotFound>> GetLetterByHash(
        [FromRoute(Name = "file_hash")][Text(FieldLengths.FileHash)] string fileHash, LetterStore store, HttpContext httpContext,
        CancellationToken cancellationToken) =>
        await store.GetByHashAsync(fileHash, cancellationToken) is { } stored ? Versioned(httpContext, stored) : TypedResults.NotFound();

    private static async Task<Ok<LetterStatistics>> GetStatistics(LettersDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await LetterStatisticsQuery.ComputeAsync(db, cancellationToken));

    /// <summary>201 for a new letter; 200 with the stored letter's id and Location when its file hash is already stored.</summary>
    private static async Task<Results<Created<StoredLetter>, Ok<StoredLetter>>> StoreLetter(
        LetterDocument letter, LetterStore store, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var (id, created) = await store.StoreAsync(letter, cancellationToken);
        var location = $"/api/letters/{id}";
        if (created)
        {
            return TypedResults.Created(location, new StoredLetter(id));
        }

        httpContext.Response.Headers.Location = location;
        return TypedResults.Ok(new StoredLetter(id));
    }

    private static Task<Results<Ok<LetterDocument>, NotFound, ProblemHttpResult, ValidationProblem>> ReplaceLetter(
        int id, LetterDocument letter, [FromHeader(Name = "If-Match")] string? ifMatch, LetterStore store, HttpContext httpContext,
        CancellationToken cancellationToken) =>
        ConditionalWriteAsync(ifMatch, httpContext, versions => store.ReplaceAsync(id, letter, versions, cancellationToken));

    private static Task<Results<Ok<LetterDocument>, NotFound, ProblemHttpResult, ValidationProblem>> PatchLetter(
        int id, LetterPatch patch, [FromHeader(Name = "If-Match")] string? ifMatch, LetterStore store, HttpContext httpContext,
        CancellationToken cancellationToken) =>
        ConditionalWriteAsync(ifMatch, httpContext, versions => store.PatchAsync(id, patch, versions, cancellationToken));

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult, ValidationProblem>> DeleteLetter(
        int id, [FromHeader(Name = "If-Match")] string? ifMatch, LetterStore store, CancellationToken cancellationToken)
    {
        if (!LetterVersion.TryParseIfMatch(ifMatch, out var versions))
        {
            return MalformedIfMatch();
        }

        return await store.DeleteAsync(id, versions, cancellationToken) switch
        {
            WriteOutcome.Written => TypedResults.NoContent(),
            WriteOutcome.NotFound => TypedResults.NotFound(),
            _ => StaleVersion(),
        };
    }

    /// <summary>A write on the condition of If-Match, answered with the letter as written and its new version.</summary>
    private static async Task<Results<Ok<LetterDocument>, NotFound, ProblemHttpResult, ValidationProblem>> ConditionalWriteAsync(
        string? ifMatch, HttpContext httpContext, Func<string[]?, Task<WrittenLetter>> write)
    {
        if (!LetterVersion.TryParseIfMatch(ifMatch, out var versions))
        {
            return MalformedIfMatch();
        }

        return await write(versions) switch
        {
            { Outcome: WriteOutcome.PreconditionFailed } => StaleVersion(),
            { Outcome: WriteOutcome.Written, Letter: { } written } => Versioned(httpContext, written),
            _ => TypedResults.NotFound(),
        };
    }

    private static Ok<LetterDocument> Versioned(HttpContext httpContext, VersionedLetter stored)
    {
        httpContext.Response.Headers.ETag = LetterVersion.ETag(stored.Version);
        return TypedResults.Ok(stored.Letter);
    }

    private static ValidationProblem MalformedIfMatch() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["If-Match"] = ["If-Match must be * or a list of entity tags, such as the ETag a GET of the letter answered."],
        });

    private static ProblemHttpResult StaleVersion() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "The letter has changed",
            detail: "The letter is no longer the version If-Match names: read it again (GET returns its ETag) and redo the change.");
}
