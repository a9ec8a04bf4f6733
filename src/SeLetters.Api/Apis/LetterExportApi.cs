using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SeLetters.Api.Letters;
using SeLetters.Api.Letters.Export;

namespace SeLetters.Api.Apis;

internal static class LetterExportApi
{
    public static RouteHandlerBuilder MapLetterExportApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/letters/export", ExportLetters)
            .WithTags("Letters")
            .WithName("ExportLetters")
            .WithSummary("Every letter a search matches, in its order, as a CSV, NDJSON or XLSX download");

    /// <summary>
    /// The search's filters and sort without its paging; <c>format</c> is csv, ndjson or xlsx. The filters' own bounds
    /// are checked by the validation filter before this runs, as for the search.
    /// </summary>
    private static Results<LetterExportResult, ValidationProblem> ExportLetters(
        [FromQuery(Name = "format")] string? format, [AsParameters] LetterSearchQuery query)
    {
        var errors = new Dictionary<string, string[]>();
        var exportFormat = LetterExportFormat.Find(format);
        if (exportFormat is null)
        {
            errors["format"] = [$"format must be one of: {string.Join(", ", LetterExportFormat.All.Select(f => f.Name))}."];
        }

        foreach (var (name, value) in new[] { ("page", query.Page), ("limit", query.Limit) })
        {
            if (value is not null)
            {
                errors[name] = [$"An export has every matching letter: {name} does not apply."];
            }
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : new LetterExportResult(exportFormat!, query);
    }
}
