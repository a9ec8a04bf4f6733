using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeLetters.Api.Catalogue;
using SeLetters.Api.Extensions;
using SeLetters.Api.Models;
using SeLetters.Data;
using SeLetters.Data.Entities;

namespace SeLetters.Api.Letters;

/// <summary>The letters in PostgreSQL, each read joined with its catalogue rows.</summary>
internal sealed class LetterStore(LettersDbContext db, CatalogueReader catalogue)
{
    private const int SortWalkRows = 4000;

    /// <summary>
    /// Stores the letter with everything under it in one transaction, unless a letter with the same file hash is already
    /// stored: then that letter's id comes back with <c>Created = false</c>.
    /// </summary>
    public Task<(int Id, bool Created)> StoreAsync(LetterDocument document, CancellationToken cancellationToken)
    {
        // The retrying strategy replays the whole transaction, so everything it does happens inside.
        return db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (document.FileHash is { } hash)
            {
                await LockFileHashAsync(hash, cancellationToken);
                if (await FindIdByHashAsync(hash, cancellationToken) is { } existing)
                {
                    return (existing, false);
                }
            }

            var letter = document.ToEntity();
            db.Letters.Add(letter);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (letter.Id, true);
        });
    }

    /// <summary>
    /// Replaces the letter's columns, products, matches and debug steps with the document's in one transaction, as a
    /// store would write them (left-out columns take the schema's defaults), keeping its id and <c>created_at</c>.
    /// </summary>
    public Task<WriteOutcome> ReplaceAsync(int id, LetterDocument document, string[]? expectedVersions, CancellationToken cancellationToken)
    {
        return db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (document.FileHash is { } hash)
            {
                await LockFileHashAsync(hash, cancellationToken);
            }

            // Locked until commit: a concurrent write of this letter waits, then finds a new version. NO KEY UPDATE, as the
            // update itself locks: a bulk refresh that claimed this letter (docs/schema.md) and inserts its derived rows
            // takes KEY SHARE for their foreign key while this waits for the claim; FOR UPDATE would deadlock with it.
            // updated_at is the database's clock in UTC, as PatchAsync writes it.
            var current = await db.Database.SqlQuery<CurrentLetter>(
                $"""SELECT xmin::text AS "Version", now() AT TIME ZONE 'UTC' AS "Now" FROM letters WHERE id = {id} FOR NO KEY UPDATE""")
                .ToListAsync(cancellationToken);
            if (current is not [var stored])
            {
                return WriteOutcome.NotFound;
            }

            if (expectedVersions is not null && !expectedVersions.Contains(stored.Version))
            {
                return WriteOutcome.PreconditionFailed;
            }

            // Matches go with their products (ON DELETE CASCADE).
            await db.Database.ExecuteSqlAsync($"DELETE FROM letter_products WHERE letter_id = {id}", cancellationToken);
            await db.Database.ExecuteSqlAsync($"DELETE FROM processing_debug WHERE letter_id = {id}", cancellationToken);

            var letter = document.ToEntity();
            letter.Id = id;
            letter.UpdatedAt = stored.Now;
            // Attached with a key, the letter is updated; its products, matches and steps, without keys, are inserted.
            var entry = db.Letters.Attach(letter);
            entry.State = EntityState.Modified;
            entry.Property(l => l.CreatedAt).IsModified = false;
            foreach (var column in entry.Properties.Where(column => column.CurrentValue is null))
            {
                // An insert leaves such a column to its default; an update has to write it.
                column.CurrentValue = column.Metadata.GetDefaultValue();
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return WriteOutcome.Written;
        });
    }

    /// <summary>
    /// No unique index on file_hash (imported data may hold duplicates), so concurrent writes of one file are serialised
    /// on a lock of their hash, held until commit; a look-up then sees the other's letter.
    /// </summary>
    private Task LockFileHashAsync(string hash, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({hash}, 0))", cancellationToken);

    public async Task<VersionedLetter?> GetAsync(int id, CancellationToken cancellationToken)
    {
        // Retried like EF Core's own queries, so a database restart of a few seconds is bridged here too.
        var stored = await db.Database.CreateExecutionStrategy().ExecuteAsync(async retryCancellation =>
        {
            await db.Database.OpenConnectionAsync(retryCancellation);
            try
            {
                return await LetterDocumentQuery.ReadAsync((NpgsqlConnection)db.Database.GetDbConnection(), id, retryCancellation);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var identifiers = stored.Letter.Products.SelectMany(p => p.Matches).Select(m => m.IbcatalogueProductIdentifier!).Distinct().ToList();
        return stored with { Letter = stored.Letter.WithCatalogue(await catalogue.FindForEnrichmentAsync(identifiers, cancellationToken)) };
    }

    /// <summary>The first letter stored with this file hash (imported data may hold several).</summary>
    public Task<int?> FindIdByHashAsync(string fileHash, CancellationToken cancellationToken) =>
        db.Letters.Where(l => l.FileHash == fileHash).OrderBy(l => l.Id).Select(l => (int?)l.Id).FirstOrDefaultAsync(cancellationToken);

    public async Task<PagedResult<LetterSummary>> SearchAsync(LetterSearchQuery query, int countLimit, CancellationToken cancellationToken)
    {
        // First the ids of up to countLimit + 1 matches, read in whatever order is cheapest: this is the count, and for a
        // selective search it is every match, so its page is sorted from those ids alone.
        // Plain locals, not expressions, in the queries: EF Core compiles a delegate to evaluate any other captured
        // expression, on every execution.
        var candidateCount = countLimit + 1;
        var candidates = await CandidateIds(query).Take(candidateCount).ToListAsync(cancellationToken);
        var capped = candidates.Count > countLimit;

        var page = query.Page ?? 1;
        var limit = query.Limit ?? LetterSearchQuery.DefaultLimit;
        var sortBy = SortColumn(query);
        var descending = Descending(query);
        var skip = (page - 1) * limit;
        IQueryable<T> PageOf<T>(IQueryable<T> letters) where T : class, ILetterSearchColumns => Sort(letters, sortBy, descending).Skip(skip).Take(limit);

        // The page's letters, sorted on the narrow search rows given: only the page's letters are read. A join, not a
        // captured query in Contains: EF Core would compile that query anew on every call.
        Task<List<LetterSummary>> PageFromAsync(IQueryable<LetterSearchEntry> entries) =>
            Summaries(Sort(db.Letters.AsNoTracking().Join(PageOf(entries), l => l.Id, s => s.Id, (l, _) => l), sortBy, descending)).ToListAsync(cancellationToken);

        if (!capped)
        {
            return Result(await PageFromAsync(db.LetterSearch.Where(s => candidates.Contains(s.Id))));
        }

        // The letters with a matching product are all collected before any is tested (see FilterText): sorting them on
        // the search rows reads less than walking the letters in sort order against them.
        if (!string.IsNullOrEmpty(query.Product))
        {
            return Result(await PageFromAsync(Filter(db.LetterSearch, query)));
        }

        // A broad search (at least one match in N / countLimit rows) is read in sort order, filtering as it goes, but only
        // through the first SortWalkRows rows of that order: where the matches cluster elsewhere in the order (the letters
        // of one product range have similar names), walking on would pass over most of the table. A full page from the
        // walk is exact: every match after those rows comes later in the order. Otherwise all matches are collected
        // through the search rows' indexes and sorted there.
        var walked = await Summaries(PageOf(Filter(Sort(db.Letters.AsNoTracking(), sortBy, descending).Take(SortWalkRows), query))).ToListAsync(cancellationToken);
        return Result(walked.Count == limit ? walked : await PageFromAsync(Filter(db.LetterSearch, query)));

        PagedResult<LetterSummary> Result(List<LetterSummary> data) => new(data, Math.Min(candidates.Count, countLimit), page, limit, capped);
    }

    /// <summary>Every letter the search matches, unpaged and unsorted: what an export counts.</summary>
    public IQueryable<Letter> Matches(LetterSearchQuery query) => Filter(db.Letters.AsNoTracking(), query);

    /// <summary>Every letter the search matches, unpaged, in the search's order: what an export writes.</summary>
    public IQueryable<Letter> SortedMatches(LetterSearchQuery query) => Sort(Matches(query), SortColumn(query), Descending(query));

    private static string SortColumn(LetterSearchQuery query) => query.SortBy ?? "created_at";

    private static bool Descending(LetterSearchQuery query) => query.SortOrder != "asc";

    private static IQueryable<LetterSummary> Summaries(IQueryable<Letter> letters) =>
        letters.Select(l => new LetterSummary(l.Id, l.DocumentName, l.DocumentType, l.DocumentTitle, l.SourceFilePath, l.FileHash,
            l.ProcessingTimeMs, l.ExtractionConfidence, l.CreatedAt, l.UpdatedAt, l.Status));

    private IQueryable<T> Filter<T>(IQueryable<T> rows, LetterSearchQuery query) where T : class, ILetterSearchColumns =>
        FilterColumns(FilterText(rows, query), query);

    /// <summary>
    /// The ids of the matching letters, for the count. A term or a product is matched on the narrow search rows, never
    /// on the letters' own wide rows; with a product and no filter on the letters' columns, the product search rows
    /// alone are the matches, and the limit stops their reading (through a join, all of them would be collected first).
    /// </summary>
    private IQueryable<int> CandidateIds(LetterSearchQuery query)
    {
        if (string.IsNullOrEmpty(query.Product) && string.IsNullOrEmpty(query.Search))
        {
            return FilterColumns(db.Letters.AsNoTracking(), query).Select(l => l.Id);
        }

        var byText = FilterText(db.LetterSearch, query);
        var entries = FilterColumns(byText, query);
        return !string.IsNullOrEmpty(query.Product) && ReferenceEquals(entries, byText)
            ? ProductMatches(query, materialised: false)
            : entries.Select(s => s.Id);
    }

    /// <summary>The term and the product filter, the parts of a search matched against text through trigram indexes.</summary>
    private IQueryable<T> FilterText<T>(IQueryable<T> rows, LetterSearchQuery query) where T : class, ILetterSearchColumns
    {
        if (!string.IsNullOrEmpty(query.Product))
        {
            // Materialised, so the letters with a matching product are found through the trigram indexes once, whatever
            // the planner guesses about how they overlap with the other filters. Joined (one row per letter), not
            // captured in Contains: EF Core would compile the query anew on every call.
            rows = rows.Join(ProductMatches(query, materialised: true), r => r.Id, id => id, (r, _) => r);
        }
        else if (!string.IsNullOrEmpty(query.Search))
        {
            // The letters' stored search_text and the search rows' copy of it share the property name.
            var term = SearchPattern(query.Search);
            rows = rows.Where(r => EF.Functions.Like(EF.Property<string>(r, SearchText.Property), term, LikePattern.Escape));
        }

        return rows;
    }

    /// <summary>The filters on the letters' own columns; the same query comes back when there are none.</summary>
    private static IQueryable<T> FilterColumns<T>(IQueryable<T> letters, LetterSearchQuery query) where T : class, ILetterSearchColumns
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
    /// it: the product search row carries the letter's search text too, so both are matched on one narrow row, their
    /// trigram bitmaps ANDed, before any letter is read.
    /// </summary>
    private IQueryable<int> ProductMatches(LetterSearchQuery query, bool materialised)
    {
        var product = SearchPattern(query.Product!);
        var term = string.IsNullOrEmpty(query.Search) ? null : SearchPattern(query.Search);
        var rows = """SELECT letter_id AS "Value" FROM letter_product_search WHERE search_text LIKE {0} ESCAPE '\'"""
            + (term is null ? "" : """ AND letter_text LIKE {1} ESCAPE '\'""");
        object[] patterns = term is null ? [product] : [product, term];
        return db.Database.SqlQuery<int>(FormattableStringFactory.Create(
            materialised ? $"""WITH matching AS MATERIALIZED ({rows}) SELECT "Value" FROM matching""" : rows, patterns));
    }

    /// <summary>A LIKE pattern for the lower-cased search text, the term's own wildcards taken literally.</summary>
    private static string SearchPattern(string term) => LikePattern.Contains(term.ToLowerInvariant());

    /// <summary>The column whitelist of <see cref="LetterSearchQuery.SortColumns"/>; the id breaks ties so pages never overlap.</summary>
    private static IQueryable<T> Sort<T>(IQueryable<T> letters, string column, bool descending) where T : class, ILetterSearchColumns
    {
        IOrderedQueryable<T> sorted = column switch
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

    /// <summary>
    /// Applies the patch, with <c>updated_at</c> set to the database's clock in UTC (as every timestamp column holds it,
    /// whatever the server's or the session's TimeZone).
    /// </summary>
    public Task<WriteOutcome> PatchAsync(int id, LetterPatch patch, string[]? expectedVersions, CancellationToken cancellationToken) =>
        WriteAsync(id, $"""
            UPDATE letters SET status = coalesce({patch.Status}, status), document_title = coalesce({patch.DocumentTitle}, document_title),
                document_type = coalesce({patch.DocumentType}, document_type), updated_at = now() AT TIME ZONE 'UTC'
            WHERE id = {id} AND ({expectedVersions}::text[] IS NULL OR xmin::text = ANY ({expectedVersions}))
            """, cancellationToken);

    /// <summary>Deletes the letter; its products, matches and debug steps go with it (ON DELETE CASCADE).</summary>
    public Task<WriteOutcome> DeleteAsync(int id, string[]? expectedVersions, CancellationToken cancellationToken) =>
        WriteAsync(id, $"""
            DELETE FROM letters WHERE id = {id} AND ({expectedVersions}::text[] IS NULL OR xmin::text = ANY ({expectedVersions}))
            """, cancellationToken);

    /// <summary>A write of one letter's row on the condition of its version; when nothing was written, why.</summary>
    private Task<WriteOutcome> WriteAsync(int id, FormattableString write, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async retryCancellation =>
            await db.Database.ExecuteSqlAsync(write, retryCancellation) > 0 ? WriteOutcome.Written
            : await db.Letters.AnyAsync(l => l.Id == id, retryCancellation) ? WriteOutcome.PreconditionFailed
            : WriteOutcome.NotFound, cancellationToken);

    private sealed class CurrentLetter
    {
        public required string Version { get; init; }

        public required DateTime Now { get; init; }
    }
}
