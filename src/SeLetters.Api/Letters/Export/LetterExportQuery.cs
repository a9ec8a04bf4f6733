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

    /// <summary>
    /// The term and the product filter, matched on the narrow rows the searches read, through their trigram indexes: the
    /// letters' own search text has none (every stored letter would pay for a second index of the same text).
    /// </summary>
    private IQueryable<Letter> FilterText(IQueryable<Letter> letters, LetterSearchQuery query) =>
        TextMatches(query) is { } matching ? letters.Join(matching, l => l.Id, id => id, (l, _) => l) : letters;

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
    /// The ids of the letters whose text matches <c>?search=</c> or, given <c>?product=</c>, that have a matching
    /// product (and a matching text: the product search row carries the letter's search text too, so both are matched
    /// on one narrow row). Materialised, so the matches are found through the trigram indexes once, whatever the planner
    /// guesses about how they overlap with the other filters; joined (one row per letter), not captured in Contains: EF
    /// Core would compile the query anew on every call. Null when the search has neither.
    /// </summary>
    private IQueryable<int>? TextMatches(LetterSearchQuery query)
    {
        var term = string.IsNullOrEmpty(query.Search) ? null : SearchPattern(query.Search);
        if (string.IsNullOrEmpty(query.Product))
        {
            return term is null ? null : Ids("""SELECT letter_id AS "Value" FROM letter_search WHERE search_text LIKE {0} ESCAPE '\'""", term);
        }

        var product = SearchPattern(query.Product);
        return term is null
            ? Ids("""SELECT letter_id AS "Value" FROM letter_product_search WHERE search_text LIKE {0} ESCAPE '\'""", product)
            : Ids("""SELECT letter_id AS "Value" FROM letter_product_search WHERE search_text LIKE {0} ESCAPE '\' AND letter_text LIKE {1} ESCAPE '\'""", product, term);
    }

    private IQueryable<int> Ids(string rows, params object[] patterns) =>
        db.Database.SqlQuery<int>(FormattableStringFactory.Create($"""WITH matching AS MATERIALIZED ({rows}) SELECT "Value" FROM matching""", patterns));

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
