using Microsoft.AspNetCore.Mvc;

namespace SeLetters.Api.Catalogue;

/// <summary>The query string of GET /api/catalogue/products.</summary>
public sealed record CatalogueSearchQuery(
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "range")] string? Range,
    [property: FromQuery(Name = "subrange")] string? Subrange,
    [property: FromQuery(Name = "page")] int? Page,
    [property: FromQuery(Name = "limit")] int? Limit)
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Page < 1)
        {
            errors["page"] = ["page must be 1 or more."];
        }

        if (Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        return errors;
    }
}
