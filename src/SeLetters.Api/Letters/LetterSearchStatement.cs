using System.Collections.Concurrent;

namespace SeLetters.Api.Letters;

/// <summary>
/// The one SQL statement of a search, for one <see cref="SearchShape"/>: it finds the page the way it is given
/// (<c>@strategy</c> and <c>@walk_budget</c>, chosen by <see cref="SearchEstimate"/> or remembered by
/// <see cref="SearchPlanMemory"/>) and counts the matches up to the count limit, in one round trip. Every part reads
/// <c>letter_search</c>, one narrow row per letter (its lower-cased search text and the columns searches filter and sort
/// on, rewritten at the commit of the writing transaction, so exact after every committed write); only the page's
/// letters are read from <c>letters</c>.
/// <list type="bullet">
/// <item><c>walk</c>: the sort index (<c>(column, letter_id)</c>) is walked, each letter's row tested as it comes, up to
/// the page and the count limit, and at most <c>@walk_budget</c> letters;</item>
/// <item><c>walk, count</c>: the same walk stops at the page's end, and the matches are counted apart up to the count limit;</item>
/// <item><c>collect</c>: every match is found through the trigram index (a term too short for trigrams, by a scan; without
/// a text, through the filter's index) and sorted.</item>
/// </list>
/// A walk whose budget runs out before the page is full collects after all (<c>walk, collect</c>), one that runs out after
/// the page but before the count limit counts apart: whichever way is given, the page and the total are exact. The
/// statement reports the way it went and the walk's budget. Its parameters are named; their values are the only part
/// that varies between searches of one shape, so each shape is one prepared statement.
/// </summary>
internal static class LetterSearchStatement
{
    /// <summary>
    /// Sent just before the statement of a shape <see cref="SearchShape.PlannedGenerically"/>, in the same batch and so in
    /// the same implicit transaction, which the setting does not outlast: the statement's prepared plan is the generic one.
    /// PostgreSQL's own choice planned such a statement anew for every search, because the generic plan's estimates (a
    /// page of a tenth of the table) cost it higher than a plan for the values at hand; but the way a search goes is
    /// chosen by the statement's parameters (<c>@strategy</c>, the walk's budget), and planning took 0.9 of the 1.7 ms
    /// PostgreSQL spent on a search with a status filter at 100,000 letters.
    /// </summary>
    public const string GenericPlan = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)";

    private static readonly ConcurrentDictionary<SearchShape, string> Statements = new();

    public static string For(SearchShape shape) => Statements.GetOrAdd(shape, Build);

    private static string Build(SearchShape shape)
    {
        var key = shape.SortColumn == "id" ? "s.letter_id" : $"s.{shape.SortColumn}";
        var direction = shape.Descending ? "DESC" : "ASC";
        var order = shape.SortColumn == "id" ? $"s.letter_id {direction}" : $"{key} {direction}, s.letter_id {direction}";
        var keyOrder = $"sort_key {direction}, letter_id {direction}";
        if (shape.Unconditional)
        {
            return Unconditional(key, order, keyOrder);
        }

        var (boundList, filterList) = SearchFilter.Of(shape);
        var (bounds, filters) = (Conjunction(boundList), Conjunction(filterList));
        var text = TextCondition(shape);
        var predicate = $"{bounds} AND {filters} AND {text}";
        // In the walk, the product test stays a hashed subplan, built once and probed for each letter passed. As a plain
        // IN it became a join, and a generic plan (which estimates two product matches) made that a nested loop over
        // every product match for every letter passed: tesys in 8 % of 100,000 letters, sorted by status, 11 s
        // instead of 80 ms. A test under IS TRUE is not turned into a join.
        var walkText = shape.Product == TextMatch.None ? text : $"({text}) IS TRUE";
        var productMatches = shape.Product == TextMatch.None ? "" : $"""
            product_matches AS MATERIALIZED (
                SELECT p.letter_id FROM letter_product_search p
                WHERE {Contains("p.search_text", shape.Product, "product")}{(shape.Term == TextMatch.None ? "" : $" AND {Contains("p.letter_text", shape.Term, "term")}")}),
            """;
        return $"""
            WITH {productMatches}
            plan AS (SELECT @strategy::text AS strategy, @walk_budget::bigint AS walk_budget),
            walked AS MATERIALIZED (
                SELECT s.letter_id, s.sort_key FROM (
                    SELECT s.*, {key} AS sort_key FROM letter_search s WHERE (SELECT strategy FROM plan) <> 'collect' AND {bounds}
                    ORDER BY {order} LIMIT (SELECT walk_budget FROM plan)) s
                WHERE {filters} AND {walkText}
                ORDER BY {keyOrder} LIMIT (SELECT CASE WHEN strategy = 'walk, count' THEN @page_end ELSE @walk_target END FROM plan)),
            walk AS (SELECT count(*) AS found FROM walked),
            counted AS MATERIALIZED (
                SELECT s.letter_id FROM letter_search s
                WHERE (SELECT found >= @page_end AND found <= @count_limit FROM walk) AND {predicate}
                LIMIT @count_limit + 1),
            matches AS MATERIALIZED (
                SELECT s.letter_id, {key} AS sort_key FROM letter_search s
                WHERE (SELECT found < @page_end FROM walk) AND {predicate}),
            page AS (
                SELECT * FROM (SELECT * FROM walked ORDER BY {keyOrder} LIMIT @limit OFFSET @offset) w WHERE (SELECT found >= @page_end FROM walk)
                UNION ALL
                SELECT * FROM (SELECT * FROM matches ORDER BY {keyOrder} LIMIT @limit OFFSET @offset) m),
            outcome AS (
                SELECT CASE WHEN w.found >= @page_end AND w.found > @count_limit THEN w.found
                            WHEN w.found >= @page_end THEN (SELECT count(*) FROM counted)
                            ELSE (SELECT count(*) FROM (SELECT FROM matches LIMIT @count_limit + 1) m) END::int AS total,
                    CASE WHEN p.strategy = 'collect' THEN 'collect'
                         WHEN w.found < @page_end THEN 'walk, collect'
                         WHEN w.found <= @count_limit THEN 'walk, count'
                         ELSE 'walk' END AS strategy,
                    p.walk_budget
                FROM walk w, plan p)
            {PageOfLetters(keyOrder)}
            """;
    }

    /// <summary>
    /// Every letter matches a search without any condition, so there is nothing to choose and nothing to walk past: the
    /// page is read at its offset in the sort index, and the count reads the first rows of the narrowest index up to the
    /// count limit. Through the general statement's walk to the count limit, the 1,001 rows it materialised and its
    /// larger plan took 1.7 of the 3–5 ms of such a search at 100,000 letters.
    /// </summary>
    private static string Unconditional(string key, string order, string keyOrder) => $"""
        WITH outcome AS (
            SELECT count(*)::int AS total, 'walk, count' AS strategy, @page_end::bigint AS walk_budget
            FROM (SELECT FROM letter_search LIMIT @count_limit + 1) c),
        page AS (SELECT s.letter_id, {key} AS sort_key FROM letter_search s ORDER BY {order} LIMIT @limit OFFSET @offset)
        {PageOfLetters(keyOrder)}
        """;

    /// <summary>
    /// The outcome's row for each letter of the page (or one row without a letter for an empty page), in order. Each
    /// letter is looked up by its id (a lateral subquery that cannot be flattened into a join): the generic plan
    /// (<see cref="GenericPlan"/>) cannot tell that a page is at most its limit, estimated it at a tenth of the table and
    /// hashed every letter to join the 25 (62 ms instead of 0.3 ms at 100,000 letters).
    /// </summary>
    private static string PageOfLetters(string keyOrder) => $"""
        SELECT o.total, o.strategy, o.walk_budget, l.id, l.document_name, l.document_type, l.document_title, l.source_file_path, l.file_hash,
            l.processing_time_ms, l.extraction_confidence, l.created_at, l.updated_at, l.status
        FROM outcome o LEFT JOIN (page p CROSS JOIN LATERAL (SELECT * FROM letters l WHERE l.id = p.letter_id OFFSET 0) l) ON true
        ORDER BY {keyOrder}
        """;

    /// <summary>The search text and the product, each matched on its own row (see <see cref="Contains"/>).</summary>
    private static string TextCondition(SearchShape shape) =>
        shape.Product != TextMatch.None
            // The term, if any, is matched on the product search row's copy of the letter's text (product_matches).
            ? "s.letter_id IN (SELECT letter_id FROM product_matches)"
            : shape.Term != TextMatch.None ? Contains("s.search_text", shape.Term, "term") : "true";

    private static string Conjunction(List<SearchFilter> conditions) =>
        conditions.Count == 0 ? "true" : string.Join(" AND ", conditions.Select(condition => condition.Sql));

    /// <summary>
    /// A substring test of lower-cased text, a LIKE pattern in the parameter. A text with a trigram is looked up in the
    /// trigram indexes. A text without one would make that a scan of the whole index (and a generic plan would not know
    /// which text it has), so its test is written in the "C" collation, which the indexes (in the column's) cannot serve:
    /// each row is tested. LIKE tests a row in about half the time <c>strpos</c> took (é over the 54,500 letters a
    /// confidence filter leaves of 100,000: 10 against 22 ms), and means the same for any collation: a deterministic one
    /// compares bytes.
    /// </summary>
    private static string Contains(string column, TextMatch match, string parameter) => match switch
    {
        TextMatch.Trigrams => $"{column} LIKE @{parameter} ESCAPE '\\'",
        TextMatch.Shorter => $"{column} COLLATE \"C\" LIKE @{parameter} ESCAPE '\\'",
        _ => throw new ArgumentOutOfRangeException(nameof(match), match, "No text to match."),
    };
}

/// <summary>How a search text is matched: not at all, through the trigram indexes, or by testing each row.</summary>
internal enum TextMatch
{
    None,
    Trigrams,
    Shorter,
}

/// <summary>
/// What makes two searches one statement: the sort, how the texts are matched and which filters are given.
/// </summary>
internal readonly record struct SearchShape(
    string SortColumn, bool Descending, TextMatch Term, TextMatch Product,
    bool Status, bool CreatedFrom, bool CreatedTo, bool MinConfidence, bool MaxConfidence)
{
    /// <summary>
    /// Without a text to match, the statement's plan is the same for any values (<see cref="LetterSearchStatement.GenericPlan"/>):
    /// the filters' own indexes serve every value, and the way is the statement's parameter. With a text it is not: a
    /// term in most letters is counted by reading the table in its order, a rare one through the trigram index, and only
    /// the pattern tells which.
    /// </summary>
    public bool PlannedGenerically => WithoutText;

    /// <summary>Every letter matches: nothing to choose, the page read at its offset (<see cref="LetterSearchStatement"/>'s own statement for it).</summary>
    public bool Unconditional => WithoutText && !Status && !CreatedFrom && !CreatedTo && !MinConfidence && !MaxConfidence;

    /// <summary>
    /// A collect finds the text's letters through a trigram index: the product's, or the term's (on the product's rows
    /// when a product is given).
    /// </summary>
    public bool TextIndexed => Term == TextMatch.Trigrams || Product == TextMatch.Trigrams;

    /// <summary>
    /// A text that no index finds: its collect tests every letter the filters leave. é in 8 % of 100,000 letters, none
    /// of them among the 20,000 newest, was collected as if an index gave its 8,000 letters, and read all 100,000 (63 ms)
    /// where a walk newest first reads about 30,000.
    /// </summary>
    public bool TextScanned => !WithoutText && !TextIndexed;

    private bool WithoutText => Term == TextMatch.None && Product == TextMatch.None;
}

/// <summary>
/// The numbers behind a search's choice of strategy (see <see cref="SearchEstimate"/>).
/// <see cref="WalkRowsPerCollectedRow"/>: how many letters a walk may read for the cost of one letter a collect reads
/// (both read a narrow row and test it, the walk in the sort index's order, the collect in the table's, then sorts),
/// times <see cref="IndexWalkSpeedup"/> when the walk reads the sort index alone
/// (<see cref="SearchEstimate"/>). A count apart reads the table in its own order,
/// <see cref="CountScanSpeedup"/> letters for the cost of one a walk reads through the sort index. A collect for a text
/// without a trigram tests every letter the filters leave in the table's order, <see cref="TextScanSpeedup"/> for the cost
/// of one walked, which reads the sort index and the letter's search row (é at 100,000 letters: 100,000 search rows tested
/// in 55 ms, 85,000 walked in 77 ms). The walk's budget is
/// <see cref="WalkBudgetFactor"/> times its estimate, at least <see cref="WalkBudgetFloor"/> letters: the sample's pages
/// cluster, so estimates are coarse.
/// </summary>
internal sealed record SearchTuning(
    int SampleRows = 2000, double WalkRowsPerCollectedRow = 1, double WalkBudgetFactor = 4, int WalkBudgetFloor = 1000, double IndexWalkSpeedup = 4,
    double CountScanSpeedup = 4, double TextScanSpeedup = 1.6)
{
    public static readonly SearchTuning Default = new();
}
