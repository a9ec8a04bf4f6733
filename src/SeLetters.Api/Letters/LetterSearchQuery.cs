using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using SeLetters.Api.Validation;

namespace SeLetters.Api.Letters;

/// <summary>The query string of GET /api/letters (the seed's search and the web app's list), with its bounds.</summary>
public sealed record LetterSearchQuery(
    [property: FromQuery(Name = "search"), Text(FieldLengths.SearchTerm)] string? Search,
    [property: FromQuery(Name = "status"), Text(FieldLengths.Status)] string? Status,
    [property: FromQuery(Name = "created_from")] TimestampBound? CreatedFrom,
    [property: FromQuery(Name = "created_to")] TimestampBound? CreatedTo,
    [property: FromQuery(Name = "min_confidence"), Range(0.0, 1.0)] float? MinConfidence,
    [property: FromQuery(Name = "max_confidence"), Range(0.0, 1.0)] float? MaxConfidence,
    [property: FromQuery(Name = "product"), Text(FieldLengths.SearchTerm)] string? Product,
    [property: FromQuery(Name = "sort_by")] string? SortBy,
    [property: FromQuery(Name = "sort_order")] string? SortOrder,
    [property: FromQuery(Name = "page"), Range(1, LetterSearchQuery.MaxPage)] int? Page,
    [property: FromQuery(Name = "limit"), Range(1, LetterSearchQuery.MaxLimit)] int? Limit) : IValidatableObject
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;

    /// <summary>Deeper pages cost a walk past every letter before them; at 100 a page this is a million letters.</summary>
    public const int MaxPage = 10_000;

    public static readonly string[] SortColumns = ["id", "created_at", "document_name", "extraction_confidence", "processing_time_ms", "status"];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, term) in new[] { (nameof(Search), Search), (nameof(Product), Product) })
        {
            // Control characters separate the searched columns in the search text (SearchText), and no name holds one.
            if (term is not null && term.Any(char.IsControl))
            {
                yield return new ValidationResult("The search text must not contain control characters.", [name]);
            }
        }

        if (SortBy is not null && !SortColumns.Contains(SortBy))
        {
            yield return new ValidationResult($"sort_by must be one of: {string.Join(", ", SortColumns)}.", [nameof(SortBy)]);
        }

        if (SortOrder is not null and not ("asc" or "desc"))
        {
            yield return new ValidationResult("sort_order must be asc or desc.", [nameof(SortOrder)]);
        }

        if (MinConfidence > MaxConfidence)
        {
            yield return new ValidationResult("min_confidence must not exceed max_confidence.", [nameof(MinConfidence)]);
        }
    }
}
