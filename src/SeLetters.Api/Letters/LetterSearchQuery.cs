using Microsoft.AspNetCore.Mvc;

namespace SeLetters.Api.Letters;

/// <summary>The query string of GET /api/letters (the seed's search and the web app's list).</summary>
public sealed record LetterSearchQuery(
    [property: FromQuery(Name = "search")] string? Search,
    [property: FromQuery(Name = "status")] string? Status,
    [property: FromQuery(Name = "created_from")] DateTime? CreatedFrom,
    [property: FromQuery(Name = "created_to")] DateTime? CreatedTo,
    [property: FromQuery(Name = "min_confidence")] float? MinConfidence,
    [property: FromQuery(Name = "max_confidence")] float? MaxConfidence,
    [property: FromQuery(Name = "product")] string? Product,
    [property: FromQuery(Name = "sort_by")] string? SortBy,
    [property: FromQuery(Name = "sort_order")] string? SortOrder,
    [property: FromQuery(Name = "page")] int? Page,
    [property: FromQuery(Name = "limit")] int? Limit)
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;
    public static readonly string[] SortColumns = ["id", "created_at", "document_name", "extraction_confidence", "processing_time_ms", "status"];

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, term) in new[] { ("search", Search), ("product", Product) })
        {
            // Control characters separate the searched columns in the search text (SearchText), and no name holds one.
            if (term is not null && term.Any(char.IsControl))
            {
                errors[name] = [$"{name} must not contain control characters."];
            }
        }

        if (SortBy is not null && !SortColumns.Contains(SortBy))
        {
            errors["sort_by"] = [$"sort_by must be one of: {string.Join(", ", SortColumns)}."];
        }

        if (SortOrder is not null and not ("asc" or "desc"))
        {
            errors["sort_order"] = ["sort_order must be asc or desc."];
        }

        if (Page < 1)
        {
            errors["page"] = ["page must be 1 or more."];
        }

        if (Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (MinConfidence > MaxConfidence)
        {
            errors["min_confidence"] = ["min_confidence must not exceed max_confidence."];
        }

        return errors;
    }
}
