using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SeLetters.Api.Letters;
using SeLetters.Api.Models;
using SeLetters.Api.Security;
using SeLetters.Data;

namespace SeLetters.Api.Apis;

internal static class LettersApi
{
    public static RouteGroupBuilder MapLettersApi(this IEndpointRouteBuilder app)
    {
        var maxBodyBytes = app.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value.MaxBodyBytes;
        var letters = app.MapGroup("/api/letters").WithTags("Letters");

        letters.MapGet("/", SearchLetters)
            .WithName("SearchLetters")
            .WithSummary("Search, filter, sort and page the letters");
        letters.MapGet("/{id:int}", GetLetter)
            .WithName("GetLetter")
            .WithSummary("A letter with its products, their catalogue matches and its processing debug steps");
        letters.MapGet("/by-hash/{file_hash}", GetLetterByHash)
            .WithName("GetLetterByHash")
            .WithSummary("The letter stored for a file hash: the pipeline's \"already processed?\" check");
        letters.MapGet("/statistics", GetStatistics)
            .WithName("GetLetterStatistics")
            .WithSummary("Counts, averages and breakdowns over all letters");

        var writes = letters.MapGroup("")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        writes.MapPost("/", StoreLetter)
            .WithName("StoreLetter")
            .WithSummary("Store a processed letter; a file hash already stored returns that letter instead (200)")
            .WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        writes.MapPatch("/{id:int}", PatchLetter)
            .WithName("PatchLetter")
            .WithSummary("Change a letter's status, title or type");
        writes.MapDelete("/{id:int}", DeleteLetter)
            .WithName("DeleteLetter")
            .WithSummary("Delete a letter with its products, matches and debug steps");

        return letters;
    }

    private static async Task<Results<Ok<PagedResult<LetterSummary>>, ValidationProblem>> SearchLetters(
        [AsParameters] LetterSearchQuery query, LetterStore store, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var errors = query.Validate();
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await store.SearchAsync(query, options.Value.SearchCountLimit, cancellationToken));
    }

    private static async Task<Results<Ok<LetterDocument>, NotFound>> GetLetter(int id, LetterStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } letter ? TypedResults.Ok(letter) : TypedResults.NotFound();

    private static async Task<Results<Ok<LetterDocument>, NotFound>> GetLetterByHash(
        [FromRoute(Name = "file_hash")] string fileHash, LetterStore store, CancellationToken cancellationToken) =>
        await store.FindIdByHashAsync(fileHash, cancellationToken) is { } id && await store.GetAsync(id, cancellationToken) is { } letter
            ? TypedResults.Ok(letter)
            : TypedResults.NotFound();

    private static async Task<Ok<LetterStatistics>> GetStatistics(LettersDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await LetterStatisticsQuery.ComputeAsync(db, cancellationToken));

    /// <summary>201 for a new letter; 200 with the stored letter's id and Location when its file hash is already stored.</summary>
    private static async Task<Results<Created<StoredLetter>, Ok<StoredLetter>, ValidationProblem>> StoreLetter(
        LetterDocument letter, LetterStore store, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var errors = LetterValidation.Validate(letter);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (id, created) = await store.StoreAsync(letter, cancellationToken);
        var location = $"/api/letters/{id}";
        if (created)
        {
            return TypedResults.Created(location, new StoredLetter(id));
        }

        httpContext.Response.Headers.Location = location;
        return TypedResults.Ok(new StoredLetter(id));
    }

    private static async Task<Results<Ok<LetterDocument>, NotFound>> PatchLetter(
        int id, LetterPatch patch, LetterStore store, CancellationToken cancellationToken) =>
        await store.PatchAsync(id, patch, cancellationToken) && await store.GetAsync(id, cancellationToken) is { } letter
            ? TypedResults.Ok(letter)
            : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> DeleteLetter(int id, LetterStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
}
