using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using SeLetters.Api.Extensions;
using SeLetters.Data;
using SeLetters.Data.Entities;

namespace SeLetters.Api.Letters.Export;

/// <summary>
/// The letters an export writes: every match of a search, unpaged, as EF Core queries the export projects its rows from
/// (<see cref="LetterExportRow.Project"/>). A page of the same search is found by <see cref="LetterSearch"/>; the two
/// match and sort alike (LetterExportTests compares them).
/// </summary>
internal sealed class LetterExportQuery(LettersDbContext db)
{
    /// <summary>Every letter the search matches, unpaged and unsorted: what an export counts.</summary>
    public IQueryable<Letter> Matches(LetterSearchQuery query) => FilterColumns(FilterText(db.Letters.AsNoTracking(), query), query);

    /// <summary>Every letter the search matches, unpaged, in the search's order: what an export writes.</summary>
    public IQueryable<Letter> SortedMatches(LetterSearchQuery query) => Sort(Matches(query), query.SortBy ?? "created_at", query.SortOrder != "asc");

    /// <summary>The term and the product filter, the parts of a search matched against text through trigram indexes.</summary>
    private IQueryable<Letter> FilterText(IQueryable<Letter> letters, LetterSearchQuery query)
    {
        if (!string.IsNullOrEmpty(query.Product))
        {
            // Materialised, so the letters with a matching product are found through the trigram indexes once, whatever
            // the planner guesses about how they overlap with the other filters. Joined (one row per letter), not
            // captured in Contains: EF Core would compile the query anew on every call.
            return letters.Join(ProductMatches(query), l => l.Id, id => id, (l, _) => l);
        }

        if (!string.IsNullOrEmpty(query.Search))
        {
            var term = SearchPattern(query.Search);
            return letters.Where(l => EF.Functions.Like(EF.Property<string>(l, SearchText.Property), term, LikePattern.Escape));
        }

        return letters;
    }

    /// <summary>The filters on the letters' own columns.</summary>
    private static IQueryable<Letter> FilterColumns(IQueryable<Letter> letters, LetterSearchQuery query)
    {
        if (query.Status is { } status)
        {
            letters = letters.Where(l => l.Status == status);
        }

        // created_at is a timestamp without time zone in UTC; the bounds are converted to it (TimestampBound).
        if (query.CreatedFrom is { First: var from })
        {
            letters = letters.Where(l => l.CreatedAt >= from);
        }

        if (query.CreatedTo is { Last: var to })
        {
            letters = letters.Where(l => l.CreatedAt <= to);
        }

        if (query.MinConfidence is { } min)
        {
            letters = letters.Where(l => l.ExtractionConfidence >= min);
        }

        if (query.MaxConfidence is { } max)
        {
            letters = letters.Where(l => l.ExtractionConfidence <= max);
        }

        return letters;
    }

    /// <summary>
    /// The ids of the letters with a product matching <c>?product=</c> and, given <c>?search=</c>, whose own text matches
    /// it: the product search row carries the letter's search text too, so both are matched on one narrow row.
    /// </summary>
    private IQueryable<int> ProductMatches(LetterSearchQuery query)
    {
        var product = SearchPattern(query.Product!);
        var term = string.IsNullOrEmpty(query.Search) ? null : SearchPattern(query.Search);
        var rows = """SELECT letter_id AS "Value" FROM letter_product_search WHERE search_text LIKE {0} ESCAPE '\'"""
            + (term is null ? "" : """ AND letter_text LIKE {1} ESCAPE '\'""");
        object[] patterns = term is null ? [product] : [product, term];
        return db.Database.SqlQuery<int>(FormattableStringFactory.Create($"""WITH matching AS MATERIALIZED ({rows}) SELECT "Value" FROM matching""", patterns));
    }

    /// <summary>A LIKE pattern for the lower-cased search text, the term's own wildcards taken literally.</summary>
    private static string SearchPattern(string term) => LikePattern.Contains(term.ToLowerInvariant());

    /// <summary>The column whitelist of <see cref="LetterSearchQuery.SortColumns"/>; the id breaks ties, as in a search.</summary>
    private static IQueryable<Letter> Sort(IQueryable<Letter> letters, string column, bool descending)
    {
        IOrderedQueryable<Letter> sorted = column switch
        {
            "id" => descending ? letters.OrderByDescending(l => l.Id) : letters.OrderBy(l => l.Id),
            "created_at" => descending ? letters.OrderByDescending(l => l.CreatedAt) : letters.OrderBy(l => l.CreatedAt),
            "document_name" => descending ? letters.OrderByDescending(l => l.DocumentName) : letters.OrderBy(l => l.DocumentName),
            "extraction_confidence" => descending ? letters.OrderByDescending(l => l.ExtractionConfidence) : letters.OrderBy(l => l.ExtractionConfidence),
            "processing_time_ms" => descending ? letters.OrderByDescending(l => l.ProcessingTimeMs) : letters.OrderBy(l => l.ProcessingTimeMs),
            "status" => descending ? letters.OrderByDescending(l => l.Status) : letters.OrderBy(l => l.Status),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column, "Not a sortable column."),
        };
        return descending ? sorted.ThenByDescending(l => l.Id) : sorted.ThenBy(l => l.Id);
    }
}
