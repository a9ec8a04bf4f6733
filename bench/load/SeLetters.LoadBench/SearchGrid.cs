using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace SeLetters.LoadBench;

/// <summary>
/// <c>search-grid --base-url URL --postgres CONNECTION_STRING [--reps 3] [--pages 1,4,20] [--kind search-grid] [--output DIR]</c>: every
/// search of a grid — terms from no match to every letter, each sort column and order, pages, with and without a filter —
/// timed through the API and as the seed's webapp SQL (its count, then its sorted page, on the same database), the two
/// interleaved so that whatever else the machine does weighs on both. Prints the cells sorted by the ratio API / seed,
/// worst last, and writes them to <c>&lt;kind&gt;-&lt;UTC time&gt;.{md,json}</c> (<see cref="Results"/>).
/// </summary>
internal static class SearchGrid
{
    private const int Limit = 25;
    private const int CountLimit = 1000;

    /// <summary>
    /// The pass after the rounds makes each search this many times before it times it again: its way is then remembered
    /// and its statement prepared, as the API's common searches are. Npgsql prepares a statement from its fifth use on a
    /// connection, and its pool hands out its idle connections in turn (it held two during the grid). After five uses,
    /// searches without a term but with a filter took 3.7–4.7 ms again (the medians per filter), against 2.2–3.8 ms for
    /// such searches made 1,500 times in a row.
    /// </summary>
    private const int UsesBeforeAgain = 10;

    /// <summary>
    /// How many times a round times each request of the floor among its searches, and the pass after the rounds back to
    /// back (<see cref="RequestFloor"/>).
    /// </summary>
    private const int FloorProbes = 100;

    /// <summary>
    /// Terms of the generated letters (bench/load/skew.sql describes the newest fifth, "of another kind"), from no match to
    /// every letter: their density is measured, not assumed. The rare one is read from the data. zq, é and e hold no trigram,
    /// so no index finds them: a rare one is tested on every letter whichever way the search goes.
    /// </summary>
    private static readonly string[] Terms = ["qqqzx", "zq", "lc1d93", "lc1d9", "é", "tesys", "zelio", "notice", "ice", "pdf", "data/", "e"];

    private static readonly string[] SortColumns = ["id", "created_at", "document_name", "extraction_confidence", "processing_time_ms", "status"];

    private static readonly Filter[] Filters =
    [
        new("none", "", "", []),
        new("status", "status=processed", "status = @status", [new NpgsqlParameter<string>("status", "processed")]),
        new("confidence", "min_confidence=0.8", "extraction_confidence >= @min_confidence", [new NpgsqlParameter<float>("min_confidence", 0.8f)]),
        new("product", "product=tesys", "EXISTS (SELECT 1 FROM letter_products p WHERE p.letter_id = letters.id AND (p.product_identifier ILIKE @product OR p.range_label ILIKE @product))",
            [new NpgsqlParameter<string>("product", "%tesys%")]),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: SeLetters.LoadBench search-grid --base-url URL --postgres CONNECTION_STRING [--reps 3] [--pages 1,4,20] [--kind search-grid] [--output DIR]");
            return 2;
        }

        var (baseUrl, connectionString, reps, pages, kind, output) = options.Value;
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
        // Without auto-prepare, as the webapp's node-postgres sends its queries: parsed and planned every time.
        await using var seed = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 0, CommandTimeout = 600 }.ConnectionString);
        await seed.OpenAsync();

        var letters = await ScalarAsync<long>(seed, "SELECT count(*) FROM letters");
        var rare = await ScalarAsync<string>(seed, """SELECT lower(substring(document_title from '"([^"]+)"')) FROM letters WHERE document_title LIKE '%"%' ORDER BY id LIMIT 1 OFFSET 4242""");
        var searches = new List<(string? Term, double Density)> { (null, 1) };
        foreach (var term in Terms.Prepend(rare))
        {
            var matches = await ScalarAsync<long>(seed, $"SELECT count(*) FROM letter_search WHERE strpos(search_text, '{term.Replace("'", "''", StringComparison.Ordinal)}') > 0");
            searches.Add((term, (double)matches / letters));
        }

        var cells = (from search in searches.OrderBy(search => search.Density)
                     from filter in Filters
                     let count = new SeedCount(search.Term, filter)
                     from column in SortColumns
                     from inDescendingOrder in new[] { true, false }
                     from page in pages
                     select new Cell(search.Term, search.Density, filter, count, column, inDescendingOrder, page)).ToList();
        // The seed's count is one statement per term and filter, whatever the sort and page: it is timed once per round,
        // at a random point among that round's searches, and each search's seed time is the median count plus its page.
        var counts = cells.Select(cell => cell.Count).Distinct().ToList();
        Console.WriteLine($"Search grid: {letters} letters, {cells.Count} searches ({counts.Count} distinct counts) x {reps} rounds, API and seed SQL interleaved ...");
        var startedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var random = new Random(1);
        var mismatches = new List<string>();
        var anyLetter = await ScalarAsync<int>(seed, "SELECT min(id) FROM letters");
        RequestFloor[] floors = [new("GET /alive (no database)", "/alive"), new("a get by id (one round trip to PostgreSQL)", $"/api/letters/{anyLetter}")];
        // Round 0 warms both up (plans, caches) on one search per count and is not measured.
        foreach (var cell in cells.GroupBy(cell => cell.Count).Select(group => group.First()))
        {
            await TimeApiAsync(http, cell, measure: false);
            await cell.Count.TimeAsync(seed, measure: false);
            await TimeSeedPageAsync(seed, cell, measure: false);
        }

        for (var round = 1; round <= reps; round++)
        {
            var work = cells.Select(cell => (Func<Task>)(() => TimeCellAsync(http, seed, cell, random.Next(2) == 0)))
                .Concat(counts.Select(count => (Func<Task>)(() => count.TimeAsync(seed, measure: true))))
                .Concat(floors.SelectMany(floor => Enumerable.Repeat((Func<Task>)(() => floor.TimeAmongSearchesAsync(http)), FloorProbes)))
                .OrderBy(_ => random.Next()).ToList();
            foreach (var step in work)
            {
                await step();
            }

            Console.WriteLine($"  round {round} done after {clock.Elapsed.TotalSeconds:F0} s");
        }

        foreach (var cell in cells.OrderBy(_ => random.Next()))
        {
            await TimeAgainAsync(http, cell, reps);
        }

        foreach (var floor in floors)
        {
            for (var probe = 0; probe < FloorProbes; probe++)
            {
                await floor.TimeBackToBackAsync(http);
            }
        }

        Console.WriteLine($"  searches again done after {clock.Elapsed.TotalSeconds:F0} s");

        foreach (var cell in cells.Where(cell => cell.ApiTotal != Math.Min(cell.Count.Total, CountLimit)))
        {
            mismatches.Add($"{cell.Name}: API total {cell.ApiTotal}, seed count {cell.Count.Total}");
        }

        var report = new GridReport(
            startedAt, letters, reps, cells.Select(cell => cell.Result()).OrderBy(result => result.Ratio).ToList(), mismatches,
            floors.Select(floor => floor.Result()).ToList());
        var markdown = report.ToMarkdown();
        Console.WriteLine(markdown);
        var paths = await Results.WriteAsync(output, kind, startedAt, ("md", markdown), ("json", JsonSerializer.Serialize(report, Results.Json)));
        Console.WriteLine($"Written: {string.Join(", ", paths)}");
        return report.WorstRatio <= 0.25 && mismatches.Count == 0 ? 0 : 3;
    }

    /// <summary>One search through the API and as the seed's page, in the given order.</summary>
    private static async Task TimeCellAsync(HttpClient http, NpgsqlConnection seed, Cell cell, bool apiFirst)
    {
        if (apiFirst)
        {
            await TimeApiAsync(http, cell, measure: true);
        }

        await TimeSeedPageAsync(seed, cell, measure: true);
        if (!apiFirst)
        {
            await TimeApiAsync(http, cell, measure: true);
        }
    }

    /// <summary>
    /// The cell's search through the API. In the rounds, a search comes back after more than the minute the API remembers
    /// its way for, and a statement that the grid uses rarely (a shape without a term: two pages a round) is parsed and
    /// planned again, as a user's first search would be.
    /// </summary>
    private static async Task TimeApiAsync(HttpClient http, Cell cell, bool measure)
    {
        var (elapsed, way) = await SearchAsync(http, cell);
        if (measure)
        {
            cell.Api.Add(elapsed);
            cell.Ways.Add(way);
        }
    }

    /// <summary>The cell's search made <see cref="UsesBeforeAgain"/> times, then timed <paramref name="reps"/> times.</summary>
    private static async Task TimeAgainAsync(HttpClient http, Cell cell, int reps)
    {
        for (var use = 0; use < UsesBeforeAgain; use++)
        {
            await SearchAsync(http, cell);
        }

        for (var rep = 0; rep < reps; rep++)
        {
            var (elapsed, way) = await SearchAsync(http, cell);
            cell.ApiAgain.Add(elapsed);
            cell.WaysAgain.Add(way);
        }
    }

    /// <summary>The search's time, and the way the API says it went (<c>Server-Timing: search;desc="walk, count"</c>).</summary>
    private static async Task<(double Milliseconds, string Way)> SearchAsync(HttpClient http, Cell cell)
    {
        var (elapsed, body, headers) = await TimedGetAsync(http, cell.ApiUrl);
        using var json = JsonDocument.Parse(body);
        cell.ApiTotal = json.RootElement.GetProperty("total").GetInt32();
        var timing = headers.TryGetValues("Server-Timing", out var values) ? string.Join(", ", values) : "";
        var way = timing.IndexOf("desc=\"", StringComparison.Ordinal) is var at and >= 0 ? timing[(at + 6)..timing.LastIndexOf('"')] : "?";
        return (elapsed, way);
    }

    /// <summary>
    /// A GET's time, from sending it to reading the whole answer (the searches and the floor are timed alike), its body and
    /// headers; an answer that is not a success throws.
    /// </summary>
    private static async Task<(double Milliseconds, byte[] Body, HttpResponseHeaders Headers)> TimedGetAsync(HttpClient http, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        return (elapsed, body, response.Headers);
    }

    /// <summary>The seed's webapp page: its columns, sorted, LIMIT/OFFSET, with the same conditions as its count.</summary>
    private static async Task TimeSeedPageAsync(NpgsqlConnection connection, Cell cell, bool measure)
    {
        var started = Stopwatch.GetTimestamp();
        await using (var page = cell.SeedPage(connection))
        await using (var reader = await page.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
            }
        }

        if (measure)
        {
            cell.SeedPageMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static (Uri BaseUrl, string Postgres, int Reps, int[] Pages, string Kind, string Output)? Options(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        if (args.Length % 2 != 0 || values.Keys.Any(key => key is not ("--base-url" or "--postgres" or "--reps" or "--pages" or "--kind" or "--output"))
            || !values.TryGetValue("--base-url", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var baseUrl)
            || !values.TryGetValue("--postgres", out var postgres))
        {
            return null;
        }

        var reps = int.TryParse(values.GetValueOrDefault("--reps", "3"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r > 0 ? r : 0;
        var pages = values.GetValueOrDefault("--pages", "1,4,20").Split(',')
            .Select(page => int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 0).ToArray();
        return reps == 0 || pages.Contains(0)
            ? null
            : (baseUrl, postgres, reps, pages, values.GetValueOrDefault("--kind", "search-grid"), values.GetValueOrDefault("--output", Path.Combine("bench", "results")));
    }

    private sealed record Filter(string Name, string Query, string Sql, NpgsqlParameter[] Parameters);

    /// <summary>The seed's <c>COUNT(*)</c> of one term and filter, shared by the searches of every sort and page.</summary>
    private sealed class SeedCount(string? term, Filter filter)
    {
        private readonly List<double> _milliseconds = [];

        public long Total { get; private set; }

        public double MedianMs => Median(_milliseconds);

        public async Task TimeAsync(NpgsqlConnection connection, bool measure)
        {
            var started = Stopwatch.GetTimestamp();
            await using (var count = Seed(connection, term, filter, "SELECT COUNT(*) as total FROM letters{0}"))
            {
                Total = (long)(await count.ExecuteScalarAsync())!;
            }

            if (measure)
            {
                _milliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    private sealed class Cell(string? term, double density, Filter filter, SeedCount count, string column, bool descending, int page)
    {
        public SeedCount Count => count;

        public List<double> Api { get; } = [];

        public List<double> ApiAgain { get; } = [];

        public List<double> SeedPageMs { get; } = [];

        public List<string> Ways { get; } = [];

        public List<string> WaysAgain { get; } = [];

        public int ApiTotal { get; set; }

        public string Name => $"{term ?? "(no term)"} {filter.Name} {column} {(descending ? "desc" : "asc")} p{page}";

        public string ApiUrl
        {
            get
            {
                var query = new List<string>();
                if (term is not null)
                {
                    query.Add($"search={Uri.EscapeDataString(term)}");
                }

                if (filter.Query.Length > 0)
                {
                    query.Add(filter.Query);
                }

                query.AddRange([$"sort_by={column}", $"sort_order={(descending ? "desc" : "asc")}", $"page={page}", $"limit={Limit}"]);
                return "/api/letters?" + string.Join('&', query);
            }
        }

        public NpgsqlCommand SeedPage(NpgsqlConnection connection)
        {
            var command = Seed(connection, term, filter,
                "SELECT id, document_name, document_title, source_file_path, processing_time_ms, extraction_confidence, created_at, status "
                + $"FROM letters{{0}} ORDER BY {column} {(descending ? "DESC" : "ASC")} LIMIT @limit OFFSET @offset");
            command.Parameters.Add(new NpgsqlParameter<int>("limit", Limit));
            command.Parameters.Add(new NpgsqlParameter<int>("offset", (page - 1) * Limit));
            return command;
        }

        public GridResult Result()
        {
            var (api, again) = (Median(Api), Median(ApiAgain));
            var seed = Math.Round(count.MedianMs + Median(SeedPageMs), 2);
            return new GridResult(
                term, Math.Round(density * 100, 3), filter.Name, column, descending ? "desc" : "asc", page, api, seed, Math.Round(api / seed, 3),
                string.Join(" / ", Ways.Distinct()), again, Math.Round(again / seed, 3), string.Join(" / ", WaysAgain.Distinct()));
        }
    }

    /// <summary>
    /// A statement of the seed's webapp search (postgresql-migration-plan-v2.2.0.md, 4.2.1), its WHERE clause at {0}: the
    /// term's three ILIKEs, the filter ANDed in.
    /// </summary>
    private static NpgsqlCommand Seed(NpgsqlConnection connection, string? term, Filter filter, string sql)
    {
        var conditions = new List<string>();
        if (term is not null)
        {
            conditions.Add("(document_name ILIKE @search OR document_title ILIKE @search OR source_file_path ILIKE @search)");
        }

        if (filter.Sql.Length > 0)
        {
            conditions.Add(filter.Sql);
        }

        var command = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, sql, conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions)), connection);
        if (term is not null)
        {
            // The webapp's pattern: the term between two %, its own wildcards not escaped.
            command.Parameters.Add(new NpgsqlParameter<string>("search", $"%{term}%"));
        }

        foreach (var parameter in filter.Parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        return command;
    }

    private static double Median(List<double> values) => values.Count == 0 ? 0 : Math.Round(values.Order().ElementAt(values.Count / 2), 2);

    /// <summary>
    /// What a request costs the API whatever it searches: <c>GET /alive</c> (no database) and a get by id (one round trip
    /// of prepared statements to PostgreSQL), among the rounds' searches, where they come after the seed's SQL has kept the
    /// API and its connections idle for milliseconds to seconds, as the searches do; and back to back, as the searches
    /// again are made.
    /// </summary>
    private sealed class RequestFloor(string request, string path)
    {
        private readonly List<double> _amongSearches = [];
        private readonly List<double> _backToBack = [];

        public Task TimeAmongSearchesAsync(HttpClient http) => TimeAsync(http, _amongSearches);

        public Task TimeBackToBackAsync(HttpClient http) => TimeAsync(http, _backToBack);

        public FloorResult Result() => new(request, Median(_amongSearches), Median(_backToBack));

        private async Task TimeAsync(HttpClient http, List<double> into) => into.Add((await TimedGetAsync(http, path)).Milliseconds);
    }
}

internal sealed record FloorResult(string Request, double AmongSearchesMs, double BackToBackMs);

/// <summary>
/// A cell's medians: the API's first search and its search again (<see cref="SearchGrid"/>), each over the seed's, with
/// the ways the API said they went (each different one, in the order of the rounds, " / " between them).
/// </summary>
internal sealed record GridResult(
    string? Term, double DensityPercent, string Filter, string Sort, string Order, int Page, double ApiMs, double SeedMs, double Ratio,
    string Way, double ApiAgainMs, double RatioAgain, string WayAgain);

internal sealed record GridReport(
    DateTime StartedAtUtc, long Letters, int Rounds, IReadOnlyList<GridResult> Cells, IReadOnlyList<string> TotalMismatches, IReadOnlyList<FloorResult> Floors)
{
    public double WorstRatio => Cells.Count == 0 ? 0 : Cells[^1].Ratio;

    public double WorstRatioAgain => Cells.Count == 0 ? 0 : Cells.Max(cell => cell.RatioAgain);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Search grid, {StartedAtUtc:u}: API vs the seed's webapp SQL");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{Letters} letters; {Cells.Count} searches (limit 25), each the median of {Rounds} rounds, API and seed SQL interleaved. Load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.");
        text.AppendLine();
        text.AppendLine("API ms: the search made for the first time in the rounds (its way estimated from the sample; a statement that the rounds");
        text.AppendLine("use rarely, as those without a term, parsed and planned again). API again ms: after the rounds, the same search made ten");
        text.AppendLine("times, then timed (its way remembered, its statement prepared). Both ratios are over the seed's SQL, unprepared as the");
        text.AppendLine("webapp sends it; the first search's is the one held to 0.25.");
        text.AppendLine();
        text.AppendLine("Worst ratio per term (density = share of the letters whose name, title or path contains it):");
        text.AppendLine();
        text.AppendLine("| term | density % | searches | worst ratio | its search | API ms | seed ms |");
        text.AppendLine("|---|---:|---:|---:|---|---:|---:|");
        foreach (var term in Cells.GroupBy(cell => cell.Term).OrderBy(group => group.First().DensityPercent))
        {
            var worst = term.MaxBy(cell => cell.Ratio)!;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {term.Key ?? "(none)"} | {worst.DensityPercent} | {term.Count()} | {worst.Ratio} | {worst.Filter} {worst.Sort} {worst.Order} p{worst.Page} | {worst.ApiMs} | {worst.SeedMs} |");
        }

        text.AppendLine();
        text.AppendLine("The ways the first searches went (a walk that ran out of budget before its page was full: walk, collect):");
        text.AppendLine();
        text.AppendLine("| way | searches | above 0.25 | worst ratio | its search |");
        text.AppendLine("|---|---:|---:|---:|---|");
        foreach (var way in Cells.GroupBy(cell => cell.Way).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            var worst = way.MaxBy(cell => cell.Ratio)!;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {way.Key} | {way.Count()} | {way.Count(cell => cell.Ratio > 0.25)} | {worst.Ratio} | {worst.Term ?? "(none)"} {worst.Filter} {worst.Sort} {worst.Order} p{worst.Page} |");
        }

        text.AppendLine();
        AppendFloor(text);
        text.AppendLine();
        text.AppendLine("Every search, by ratio (worst last):");
        text.AppendLine();
        text.AppendLine("| term | density % | filter | sort | page | API ms | seed ms | ratio | way | API again ms | ratio again | way again |");
        text.AppendLine("|---|---:|---|---|---:|---:|---:|---:|---|---:|---:|---|");
        foreach (var cell in Cells)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {cell.Term ?? "(none)"} | {cell.DensityPercent} | {cell.Filter} | {cell.Sort} {cell.Order} | {cell.Page} | {cell.ApiMs} | {cell.SeedMs} | {cell.Ratio} | {cell.Way} | {cell.ApiAgainMs} | {cell.RatioAgain} | {cell.WayAgain} |");
        }

        text.AppendLine();
        text.AppendLine(TotalMismatches.Count == 0
            ? "Every API total equals the seed's count (up to the count limit, 1000)."
            : $"API totals differing from the seed's count: {string.Join("; ", TotalMismatches)}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Worst ratio again: {WorstRatioAgain}.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"**Worst ratio: {WorstRatio}** ({(WorstRatio <= 0.25 ? "within" : "above")} the target 0.25).");
        return text.ToString();
    }

    /// <summary>
    /// The floor next to the searches, whose seed SQL takes a few milliseconds without a term (a count of every letter the
    /// filter leaves and a page read from an index). For a search whose seed time is under four times the floor of a get by
    /// id (the last of <see cref="Floors"/>), the cheapest read the API makes is already above 0.25 of the seed's time
    /// where the searches are timed.
    /// </summary>
    private void AppendFloor(StringBuilder text)
    {
        text.AppendLine("The request's floor: what the API takes whatever it searches, among the rounds' searches (after the seed's SQL, as they come) and back to back (medians):");
        text.AppendLine();
        text.AppendLine("| request | among the searches ms | back to back ms |");
        text.AppendLine("|---|---:|---:|");
        foreach (var floor in Floors)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {floor.Request} | {floor.AmongSearchesMs} | {floor.BackToBackMs} |");
        }

        var floorMs = Floors[^1].AmongSearchesMs;
        var underFloor = Cells.Where(cell => cell.SeedMs * 0.25 < floorMs).ToList();
        var others = Cells.Except(underFloor).ToList();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Searches whose seed time is under four times the last floor ({floorMs} ms): {underFloor.Count}, worst ratio {underFloor.Select(cell => cell.Ratio).DefaultIfEmpty().Max()}; worst ratio of the others: {others.Select(cell => cell.Ratio).DefaultIfEmpty().Max()}.");
    }
}
