using System.Collections.Concurrent;

namespace SeLetters.Api.Letters;

/// <summary>
/// The one SQL statement of a search, for one <see cref="SearchShape"/>: it counts the matches (up to the count limit),
/// chooses how to find its page and finds it, all in one round trip. Every part reads <c>letter_search</c>, one narrow row
/// per letter (its lower-cased search text and the columns searches filter and sort on, rewritten at the commit of the
/// writing transaction, so exact after every committed write); only the page's letters are read from <c>letters</c>.
/// <para>
/// A page can be found two ways, and which is cheaper depends on where the matches lie in the sort order:
/// <list type="bullet">
/// <item><b>walk</b>: the sort order is walked through its index (<c>(column, letter_id)</c>), each letter's row tested as
/// it comes, until the page and the count limit are reached (or the page only, the count made apart). It costs one
/// narrow row per letter passed, matching or not: cheap when matches are many and early, ruinous when the first
/// letters of the order match nothing.</item>
/// <item><b>collect</b>: every match is found through the trigram index (or by a scan for a term too short for
/// trigrams) and sorted. It costs one row per letter the index gives, wherever they lie.</item>
/// </list>
/// The choice is made from a sample of about <see cref="SearchTuning.SampleRows"/> rows (<c>TABLESAMPLE SYSTEM</c>, the
/// same pages every time). The match that a walk would reach its target with (the page's end and the count limit) is
/// found among the sample's matches in the requested order (a top-k, not a sort of the whole sample), and the sample's
/// letters at or before it tell how many letters the walk would read; the sample's letters that a collect's index would
/// give (the text's matches before the filters thin them out; without a text, the matches) tell how many a collect
/// would read; both are scaled to the table. A walk to the count limit can cost far more than one to the page: where
/// the matches thin out after the page (pdf with a confidence filter sorted by processing time: 22,411 letters read
/// for 1,001 matches, 100,000 letters), the walk stops at the page's end and the matches are counted apart, in the
/// table's order, up to the count limit (<c>walk, count</c>); the sample's matches in id order (the table's order as an
/// import leaves it) estimate that count's letters, each <see cref="SearchTuning.CountScanSpeedup"/> times cheaper than
/// one walked. The cheaper walk is taken when its letters cost no more than <see cref="WalkRowsPerCollectedRow"/> times
/// the collect's; it is given a budget of <see cref="SearchTuning.WalkBudgetFactor"/> times its estimate, and when
/// that runs out before the page is full, the matches are collected after all (<c>walk, collect</c>); when it runs out
/// after the page but before the count limit, the matches are counted apart too. The budget counts every letter the
/// walk reads, matching or not, but a filter that bounds the sort column makes the walk start and stop at its bound. A
/// search without any condition has a statement of its own (<see cref="Unconditional"/>).
/// </para>
/// <para>
/// A way remembered from the same search a moment ago (<see cref="SearchPlanMemory"/>) is given as <c>@strategy</c> and
/// <c>@walk_budget</c> instead, and the sample is left out. The statement reports which way it went and the walk's
/// budget. Its parameters are named; their values are the only part that varies between searches of one shape, so each
/// shape is one prepared statement.
/// </para>
/// </summary>
internal static class LetterSearchStatement
{
    private static readonly ConcurrentDictionary<SearchShape, string> Statements = new();

    public static string For(SearchShape shape) => Statements.GetOrAdd(shape, Build);

    /// <summary>
    /// How many letters a walk may read for the cost of one letter a collect reads. A walk that tests nothing on the
    /// letters' search rows (a product, or no text, and no filter but the sort column's bounds) reads the sort index
    /// alone, while a collect of a product's matches still looks each one up: at 1,000,000 letters, 0.5 us a letter
    /// walked against 8 us a product match collected.
    /// </summary>
    public static double WalkRowsPerCollectedRow(SearchShape shape, SearchTuning tuning) =>
        ColumnConditions(shape).Filters.Count == 0 && (shape.Product != TextMatch.None || shape.Term == TextMatch.None)
            ? tuning.WalkRowsPerCollectedRow * tuning.IndexWalkSpeedup
            : tuning.WalkRowsPerCollectedRow;

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

        var (boundList, filterList) = ColumnConditions(shape);
        var (bounds, filters) = (Conjunction(boundList), Conjunction(filterList));
        var text = TextCondition(shape);
        var predicate = $"{bounds} AND {filters} AND {text}";
        // A collect reads every letter its index gives: the text's matches, which the filters then thin out; without a
        // text, the matches of a filter's own index.
        var collected = shape.Term == TextMatch.None && shape.Product == TextMatch.None ? predicate : text;
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
        var plan = shape.PlanGiven ? """
            plan AS (SELECT @strategy::text AS strategy, @walk_budget::bigint AS walk_budget),
            """ : $"""
            size AS (SELECT greatest(c.reltuples, 1)::float8 AS rows FROM pg_class c WHERE c.oid = 'letter_search'::regclass),
            sample AS MATERIALIZED (
                SELECT s.letter_id, {key} AS sort_key, {bounds} AS walked, {predicate} AS hit, {collected} AS collected
                FROM letter_search s TABLESAMPLE SYSTEM ((SELECT least(100, 100 * @sample_rows / rows) FROM size)) REPEATABLE (0)),
            sample_size AS (SELECT count(*) AS rows, count(*) FILTER (WHERE collected) AS collected FROM sample),
            share AS (SELECT (SELECT rows FROM sample_size) / (SELECT rows FROM size) AS sampled),
            first_hits AS MATERIALIZED (
                SELECT sort_key, letter_id, row_number() OVER (ORDER BY {keyOrder}) AS position FROM (
                    SELECT sort_key, letter_id FROM sample WHERE hit ORDER BY {keyOrder}
                    LIMIT (SELECT ceil(@walk_target * sampled)::bigint FROM share)) h),
            target_hit AS (SELECT * FROM first_hits WHERE position = (SELECT greatest(ceil(@walk_target * sampled), 1) FROM share)),
            page_hit AS (SELECT * FROM first_hits WHERE position = (SELECT greatest(ceil(@page_end * sampled), 1) FROM share)),
            count_hit AS (
                SELECT letter_id FROM sample WHERE hit ORDER BY letter_id
                OFFSET (SELECT greatest(ceil((@count_limit + 1) * sampled) - 1, 0)::bigint FROM share) LIMIT 1),
            estimate AS MATERIALIZED (
                SELECT z.rows, z.collected,
                    CASE WHEN t.letter_id IS NOT NULL THEN (SELECT count(*) FROM sample r WHERE r.walked AND {AtOrBefore(shape, "r", "t")}) END AS walk_rows,
                    CASE WHEN p.letter_id IS NOT NULL THEN (SELECT count(*) FROM sample r WHERE r.walked AND {AtOrBefore(shape, "r", "p")}) END AS page_rows,
                    coalesce((SELECT count(*) FROM sample r WHERE r.letter_id <= c.letter_id), z.rows) / @count_scan_speedup AS count_cost
                FROM sample_size z LEFT JOIN target_hit t ON true LEFT JOIN page_hit p ON true LEFT JOIN count_hit c ON true),
            choice AS (
                SELECT CASE WHEN walk_rows <= page_rows + count_cost AND walk_rows <= @walk_rows_per_collected_row * collected THEN 'walk'
                            WHEN page_rows + count_cost <= @walk_rows_per_collected_row * collected THEN 'walk, count'
                            ELSE 'collect' END AS strategy,
                    rows, walk_rows, page_rows
                FROM estimate),
            plan AS (
                SELECT strategy,
                    greatest(@walk_budget_factor * CASE WHEN strategy = 'walk, count' THEN page_rows ELSE walk_rows END * (SELECT rows FROM size) / greatest(rows, 1),
                        @walk_budget_floor)::bigint AS walk_budget
                FROM choice),
            """;

        return $"""
            WITH {productMatches}
            {plan}
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

    /// <summary>The outcome's row for each letter of the page (or one row without a letter for an empty page), in order.</summary>
    private static string PageOfLetters(string keyOrder) => $"""
        SELECT o.total, o.strategy, o.walk_budget, l.id, l.document_name, l.document_type, l.document_title, l.source_file_path, l.file_hash,
            l.processing_time_ms, l.extraction_confidence, l.created_at, l.updated_at, l.status
        FROM outcome o LEFT JOIN (page p JOIN letters l ON l.id = p.letter_id) ON true
        ORDER BY {keyOrder}
        """;

    /// <summary>The search text and the product, each matched on its own row (see <see cref="Contains"/>).</summary>
    private static string TextCondition(SearchShape shape) =>
        shape.Product != TextMatch.None
            // The term, if any, is matched on the product search row's copy of the letter's text (product_matches).
            ? "s.letter_id IN (SELECT letter_id FROM product_matches)"
            : shape.Term != TextMatch.None ? Contains("s.search_text", shape.Term, "term") : "true";

    /// <summary>
    /// The filters on the letters' own columns, in two parts. The <c>bounds</c> bound the sort column (confidence sorted
    /// by confidence, dates by date): a walk's index starts and stops at them, so they cost it nothing. The other
    /// <c>filters</c> are tested on each letter the walk reads, and its budget counts the letters read, matching or not.
    /// </summary>
    private static (List<string> Bounds, List<string> Filters) ColumnConditions(SearchShape shape)
    {
        var bounds = new List<string>();
        var filters = new List<string>();
        void Add(bool given, string column, string condition)
        {
            if (given)
            {
                (column == shape.SortColumn ? bounds : filters).Add(condition);
            }
        }

        Add(shape.Status, "status", "s.status = @status");
        // created_at is a timestamp without time zone in UTC; the bounds are converted to it (TimestampBound).
        Add(shape.CreatedFrom, "created_at", "s.created_at >= @created_from");
        Add(shape.CreatedTo, "created_at", "s.created_at <= @created_to");
        Add(shape.MinConfidence, "extraction_confidence", "s.extraction_confidence >= @min_confidence");
        Add(shape.MaxConfidence, "extraction_confidence", "s.extraction_confidence <= @max_confidence");
        return (bounds, filters);
    }

    private static string Conjunction(List<string> conditions) => conditions.Count == 0 ? "true" : string.Join(" AND ", conditions);

    /// <summary>
    /// Whether sample row <paramref name="row"/> comes at or before sample row <paramref name="target"/> in the walk's
    /// order, which puts NULL keys first when descending and last when ascending, as the sort index does.
    /// </summary>
    private static string AtOrBefore(SearchShape shape, string row, string target)
    {
        var (atOrBefore, nullsFirst) = shape.Descending ? (">=", true) : ("<=", false);
        if (shape.SortColumn == "id")
        {
            return $"{row}.letter_id {atOrBefore} {target}.letter_id";
        }

        var keys = $"({row}.sort_key, {row}.letter_id) {atOrBefore} ({target}.sort_key, {target}.letter_id)";
        return nullsFirst
            ? $"CASE WHEN {target}.sort_key IS NULL THEN {row}.sort_key IS NULL AND {row}.letter_id {atOrBefore} {target}.letter_id ELSE {row}.sort_key IS NULL OR {keys} END"
            : $"CASE WHEN {target}.sort_key IS NULL THEN {row}.sort_key IS NOT NULL OR {row}.letter_id {atOrBefore} {target}.letter_id ELSE {row}.sort_key IS NOT NULL AND {keys} END";
    }

    /// <summary>
    /// A substring test of lower-cased text. A LIKE pattern can use the trigram indexes; for a text without a trigram the
    /// trigram index could only be scanned whole (a generic plan would not know in advance), so it gets <c>strpos</c>,
    /// which no index serves. The parameter holds the LIKE pattern or the plain text accordingly.
    /// </summary>
    private static string Contains(string column, TextMatch match, string parameter) => match switch
    {
        TextMatch.Trigrams => $"{column} LIKE @{parameter} ESCAPE '\\'",
        TextMatch.Shorter => $"strpos({column}, @{parameter}) > 0",
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
/// What makes two searches one statement: the sort, how the texts are matched, which filters are given, and whether the
/// way to the page is given (<see cref="SearchPlanMemory"/>) or chosen from the sample.
/// </summary>
internal readonly record struct SearchShape(
    string SortColumn, bool Descending, TextMatch Term, TextMatch Product,
    bool Status, bool CreatedFrom, bool CreatedTo, bool MinConfidence, bool MaxConfidence, bool PlanGiven)
{
    /// <summary>Every letter matches: the walk reads the page and the count limit, nothing to choose.</summary>
    public bool Unconditional => Term == TextMatch.None && Product == TextMatch.None && !Status && !CreatedFrom && !CreatedTo && !MinConfidence && !MaxConfidence;
}

/// <summary>
/// The numbers behind a search's choice of strategy (see <see cref="LetterSearchStatement"/>).
/// <see cref="WalkRowsPerCollectedRow"/>: how many letters a walk may read for the cost of one letter a collect reads
/// (both read a narrow row and test it, the walk in the sort index's order, the collect in the table's, then sorts),
/// times <see cref="IndexWalkSpeedup"/> when the walk reads the sort index alone
/// (<see cref="LetterSearchStatement.WalkRowsPerCollectedRow"/>). A count apart reads the table in its own order,
/// <see cref="CountScanSpeedup"/> letters for the cost of one a walk reads through the sort index. The walk's budget is
/// <see cref="WalkBudgetFactor"/> times its estimate, at least <see cref="WalkBudgetFloor"/> letters: the sample's pages
/// cluster, so estimates are coarse.
/// </summary>
internal sealed record SearchTuning(
    int SampleRows = 2000, double WalkRowsPerCollectedRow = 1, double WalkBudgetFactor = 4, int WalkBudgetFloor = 1000, double IndexWalkSpeedup = 4,
    double CountScanSpeedup = 4)
{
    public static readonly SearchTuning Default = new();
}
