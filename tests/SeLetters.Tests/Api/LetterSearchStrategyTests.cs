using CsCheck;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using SeLetters.Api.Letters;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Api;

/// <summary>
/// <see cref="LetterSearch"/>'s strategies, each on letters laid out to call for it, each answering exactly what the
/// naive query over <c>letters</c> answers (every letter tested, sorted, counted); and a property: whatever the data,
/// the query, the writes before it and the strategy forced, the page and the total are the naive query's.
/// </summary>
public sealed class LetterSearchStrategyTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const int CountLimit = 100;

    /// <summary>Walks whenever the sample finds enough matches, with a budget of <c>floor</c> letters.</summary>
    private static SearchTuning WalkWithBudget(int floor) => new(WalkRowsPerCollectedRow: 1e9, WalkBudgetFactor: 0, WalkBudgetFloor: floor);

    // 3,000 letters: "alpha" in 90 % of the names, "rare" in 5 %, "omega" in the titles of the newest 10 %, "q" (no
    // trigram) in a third of the paths; ties in every sort column, NULLs in each nullable one, products on a quarter.
    private const string Letters = """
        INSERT INTO letters (document_name, document_title, source_file_path, processing_time_ms, extraction_confidence, created_at, status)
        SELECT CASE WHEN i % 10 <> 0 THEN 'Alpha_' ELSE 'Beta_' END || CASE WHEN i % 20 = 0 THEN 'rare_' ELSE '' END || lpad(i::text, 5, '0') || '.pdf',
            CASE WHEN i % 19 = 0 THEN NULL WHEN i > 2700 THEN 'Omega notice ' || i ELSE 'Notice ' || i END,
            'in/' || CASE WHEN i % 3 = 0 THEN 'q' ELSE 'x' END || '/' || i || '.pdf',
            CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 50)::real END,
            CASE WHEN i % 11 = 0 THEN NULL ELSE ((i % 10) / 10.0)::real END,
            CASE WHEN i % 7 = 0 THEN NULL ELSE timestamp '2024-01-01' + i * interval '1 hour' END,
            CASE WHEN i % 17 = 0 THEN NULL ELSE (ARRAY['processed', 'failed', 'pending'])[1 + i % 3] END
        FROM generate_series(1, 3000) i;
        INSERT INTO letter_products (letter_id, product_identifier, range_label)
        SELECT id, 'LC1D' || id, CASE WHEN id % 8 = 0 THEN 'TeSys D' ELSE 'Sepam' END FROM letters WHERE id % 4 = 0;
        """;

    [Fact]
    public async Task A_term_in_most_letters_walks_to_its_page_and_counts_apart_in_the_tables_order()
    {
        await using var connection = await LettersAsync();
        // Nine letters in ten match, in any order: 33 letters walked for the page, 112 read in the table's order to count.
        var plans = new SearchPlanMemory(NullLogger<SearchPlanMemory>.Instance);
        var query = Query(search: "ALPHA", sortBy: "created_at", sortOrder: "desc", page: 3);
        var outcome = await AssertAsNaiveAsync(connection, query, SearchTuning.Default, plans: plans);
        Assert.Equal("walk, count", outcome.Strategy);
        Assert.True(outcome.Page.TotalCapped);
        var again = await AssertAsNaiveAsync(connection, query, SearchTuning.Default, plans: plans);
        Assert.Equal(("walk, count", true), (again.Strategy, again.Remembered));
    }

    [Fact]
    public async Task A_search_without_any_condition_reads_its_page_at_its_offset_and_counts_apart()
    {
        await using var connection = await LettersAsync();
        // Letters without a sort value come first descending (page 7 of processing times) and last ascending (the last page).
        foreach (var (sortBy, sortOrder, page) in new[] { ("processing_time_ms", "desc", 7), ("extraction_confidence", "asc", 300), ("id", "desc", 2) })
        {
            var capped = await AssertAsNaiveAsync(connection, Query(sortBy: sortBy, sortOrder: sortOrder, page: page), SearchTuning.Default);
            Assert.Equal(("walk, count", true), (capped.Strategy, capped.Page.TotalCapped));
            var exact = await AssertAsNaiveAsync(connection, Query(sortBy: sortBy, sortOrder: sortOrder, page: page), SearchTuning.Default, countLimit: 5000);
            Assert.Equal((3000, false), (exact.Page.Total, exact.Page.TotalCapped));
        }
    }

    [Fact]
    public async Task A_term_in_few_letters_is_collected_through_the_trigram_index()
    {
        await using var connection = await LettersAsync();
        var outcome = await AssertAsNaiveAsync(connection, Query(search: "rare_", sortBy: "document_name", sortOrder: "asc", page: 2), SearchTuning.Default);
        Assert.Equal("collect", outcome.Strategy);
        Assert.Equal(CountLimit, outcome.Page.Total);
    }

    [Fact]
    public async Task A_term_in_few_letters_without_a_trigram_walks_because_no_index_would_give_its_matches()
    {
        await using var connection = await LettersAsync();
        // "a_r" (Beta_rare_, one letter in 20) holds no trigram: a collect would test all 3,000 letters, where a walk to
        // the page and a count apart read about a third of them. Priced as if an index gave its matches, it was collected.
        var outcome = await AssertAsNaiveAsync(connection, Query(search: "a_r", sortBy: "created_at", sortOrder: "desc"), SearchTuning.Default);
        Assert.Equal("walk, count", outcome.Strategy);
        Assert.True(outcome.Page.TotalCapped);
    }

    [Fact]
    public async Task A_term_whose_matches_come_last_in_the_order_is_collected_not_walked()
    {
        await using var connection = await LettersAsync();
        // The newest tenth: first when sorted newest first, after 2,700 letters when oldest first. Newest first, the walk
        // goes on to the count limit: counted apart in the table's order, 2,700 letters would come before the first match.
        Assert.Equal("walk", (await AssertAsNaiveAsync(connection, Query(search: "omega", sortBy: "id", sortOrder: "desc"), SearchTuning.Default)).Strategy);
        Assert.Equal("collect", (await AssertAsNaiveAsync(connection, Query(search: "omega", sortBy: "id", sortOrder: "asc"), SearchTuning.Default)).Strategy);
    }

    [Fact]
    public async Task A_filter_whose_matches_come_last_in_the_order_is_collected_not_walked()
    {
        await using var connection = await LettersAsync();
        // Created from the 2,800th hour on: the newest letters. Oldest first, a walk would read 2,800 letters before them.
        var query = Query(sortBy: "id", sortOrder: "asc") with { CreatedFrom = Bound("2024-04-27") };
        Assert.Equal("collect", (await AssertAsNaiveAsync(connection, query, SearchTuning.Default)).Strategy);
        Assert.Equal("walk", (await AssertAsNaiveAsync(connection, query with { SortOrder = "desc" }, SearchTuning.Default)).Strategy);
    }

    [Fact]
    public async Task A_bound_on_the_sort_column_starts_the_walk_at_the_bound()
    {
        await using var connection = await LettersAsync();
        // Sorted by date, the same filter bounds the walk's index: its matches come first.
        var query = Query(sortBy: "created_at", sortOrder: "asc") with { CreatedFrom = Bound("2024-04-27") };
        Assert.Equal("walk", (await AssertAsNaiveAsync(connection, query, SearchTuning.Default)).Strategy);
    }

    [Fact]
    public async Task Letters_without_a_sort_value_come_first_descending_and_last_ascending_in_the_estimate()
    {
        await using var connection = await LettersAsync();
        await Target.ExecuteAsync(connection, "INSERT INTO letters (document_name, source_file_path) SELECT 'untimed_' || i || '.pdf', 'in/u/' || i FROM generate_series(1, 300) i");
        await Target.ExecuteAsync(connection, "ANALYZE letter_search");
        // The untimed letters have no processing time: the first the walk reads descending, the last ascending.
        var query = Query(search: "untimed", sortBy: "processing_time_ms", sortOrder: "desc");
        Assert.Equal("walk", (await AssertAsNaiveAsync(connection, query, SearchTuning.Default)).Strategy);
        Assert.Equal("collect", (await AssertAsNaiveAsync(connection, query with { SortOrder = "asc" }, SearchTuning.Default)).Strategy);
    }

    [Fact]
    public async Task A_product_search_walks_the_sort_index_further_than_a_search_that_reads_each_letter()
    {
        await using var connection = await LettersAsync();
        // Sepam: one letter in eight. Page 4 is about 320 letters into the order and the count limit's 101 matches about
        // 800 into the table: more than the 375 matches a collect would look up one by one, but the walk reads the sort
        // index alone, which holds the filter columns too. Sorted by id, a filter is tested on each letter's row: collected.
        var query = Query(product: "sepam", sortBy: "created_at", sortOrder: "desc", page: 4);
        Assert.Equal("walk, count", (await AssertAsNaiveAsync(connection, query, SearchTuning.Default)).Strategy);
        Assert.Equal("walk, count", (await AssertAsNaiveAsync(connection, query with { MinConfidence = 0f }, SearchTuning.Default)).Strategy);
        Assert.Equal("walk, count", (await AssertAsNaiveAsync(connection, query with { SortBy = "id" }, SearchTuning.Default)).Strategy);
        Assert.Equal("collect", (await AssertAsNaiveAsync(connection, query with { SortBy = "id", MinConfidence = 0f }, SearchTuning.Default)).Strategy);
    }

    [Fact]
    public async Task A_walk_that_runs_out_of_budget_before_its_page_is_full_collects()
    {
        await using var connection = await LettersAsync();
        var outcome = await AssertAsNaiveAsync(connection, Query(search: "alpha", sortBy: "processing_time_ms", sortOrder: "asc", page: 2), WalkWithBudget(5));
        Assert.Equal("walk, collect", outcome.Strategy);
    }

    [Fact]
    public async Task A_walk_that_fills_its_page_but_not_the_count_counts_through_the_index()
    {
        await using var connection = await LettersAsync();
        var outcome = await AssertAsNaiveAsync(connection, Query(search: "alpha", sortBy: "extraction_confidence", sortOrder: "desc"), WalkWithBudget(50));
        Assert.Equal("walk, count", outcome.Strategy);
        Assert.True(outcome.Page.TotalCapped);
    }

    [Fact]
    public async Task The_same_search_again_goes_the_way_it_went_without_the_sample()
    {
        await using var connection = await LettersAsync();
        var plans = new SearchPlanMemory(NullLogger<SearchPlanMemory>.Instance);
        var query = Query(search: "omega", sortBy: "id", sortOrder: "asc", page: 2);
        var first = await AssertAsNaiveAsync(connection, query, SearchTuning.Default, plans: plans);
        var again = await AssertAsNaiveAsync(connection, query, SearchTuning.Default, plans: plans);
        var otherPage = await AssertAsNaiveAsync(connection, query with { Page = 3 }, SearchTuning.Default, plans: plans);
        Assert.Equal(("collect", false), (first.Strategy, first.Remembered));
        Assert.Equal(("collect", true), (again.Strategy, again.Remembered));
        // Another page is another search: a walk to the page is budgeted for its page.
        Assert.False(otherPage.Remembered);
        Assert.False((await AssertAsNaiveAsync(connection, query with { SortOrder = "desc" }, SearchTuning.Default, plans: plans)).Remembered);
    }

    [Fact]
    public async Task A_walk_with_filters_and_no_text_reads_its_sort_index_alone()
    {
        await using var connection = await LettersAsync();
        // An index-only scan reads the table for a page the visibility map does not know as all visible.
        await Target.ExecuteAsync(connection, "VACUUM letter_search");
        // The plans of the statements the search sends, as it sends them, come back as notices.
        await Target.ExecuteAsync(connection, """
            LOAD 'auto_explain';
            SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_timing = off;
            SET auto_explain.log_level = notice
            """);
        var plan = new List<string>();
        connection.Notice += (_, notice) => plan.AddRange(notice.Notice.MessageText.Split('\n').Select(line => line.Trim()));

        await AssertAsNaiveAsync(connection,
            Query(status: "processed", minConfidence: 0.3f, sortBy: "document_name", sortOrder: "asc", page: 2) with { CreatedFrom = Bound("2024-01-01") },
            WalkWithBudget(3000));

        var walk = plan.FindIndex(line => line.Contains("Scan using idx_letter_search_document_name", StringComparison.Ordinal));
        Assert.True(walk >= 0 && plan[walk].StartsWith("->  Index Only Scan", StringComparison.Ordinal) && plan[walk + 1] == "Heap Fetches: 0",
            string.Join(Environment.NewLine, plan));
    }

    [Fact]
    public async Task An_old_sample_is_answered_at_once_and_read_again_in_the_background()
    {
        await using var connection = await LettersAsync();
        using var plans = new SearchPlanMemory(NullLogger<SearchPlanMemory>.Instance, sampleLifetime: TimeSpan.Zero);
        var first = await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None);
        Assert.Equal(3000, first.TableRows);
        await GrowAsync(connection);

        Assert.Same(first, await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None));
        await plans.SampleRefresh;
        Assert.Equal(4000, (await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None)).TableRows);
        await plans.SampleRefresh;
    }

    [Fact]
    public async Task A_sample_that_cannot_be_read_again_stays_in_use_until_it_can()
    {
        // Unpooled, so the refresh's connection is a new one, which the database refuses.
        await using var connection = await LettersAsync(settings => settings.Pooling = false);
        var logger = new WarningCounter();
        using var plans = new SearchPlanMemory(logger, sampleLifetime: TimeSpan.Zero);
        var first = await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None);
        await GrowAsync(connection);
        await Target.ExecuteAsync(postgres.ServerConnectionString, $"ALTER DATABASE \"{connection.Database}\" ALLOW_CONNECTIONS false");

        Assert.Same(first, await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None));
        await plans.SampleRefresh;
        Assert.Same(first, await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None));
        await plans.SampleRefresh;
        await AssertAsNaiveAsync(connection, Query(search: "alpha", page: 3), SearchTuning.Default, plans: plans);
        // The search started a refresh too: it must have failed before connections are allowed again.
        await plans.SampleRefresh;
        // Three refreshes failed, and the failure was told once.
        Assert.Equal(1, logger.Warnings);

        await Target.ExecuteAsync(postgres.ServerConnectionString, $"ALTER DATABASE \"{connection.Database}\" ALLOW_CONNECTIONS true");
        Assert.Same(first, await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None));
        await plans.SampleRefresh;
        Assert.Equal(4000, (await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None)).TableRows);
        await plans.SampleRefresh;

        // A refresh worked since: the next failure is told again.
        await Target.ExecuteAsync(postgres.ServerConnectionString, $"ALTER DATABASE \"{connection.Database}\" ALLOW_CONNECTIONS false");
        await plans.SampleAsync(connection, SearchTuning.Default.SampleRows, CancellationToken.None);
        await plans.SampleRefresh;
        Assert.Equal(2, logger.Warnings);
        await Target.ExecuteAsync(postgres.ServerConnectionString, $"ALTER DATABASE \"{connection.Database}\" ALLOW_CONNECTIONS true");
    }

    /// <summary>1,000 letters more, counted by ANALYZE: a sample read after them tells a table of 4,000.</summary>
    private static async Task GrowAsync(NpgsqlConnection connection)
    {
        await Target.ExecuteAsync(connection, "INSERT INTO letters (document_name, source_file_path) SELECT 'later_' || i || '.pdf', 'in/' || i FROM generate_series(1, 1000) i");
        await Target.ExecuteAsync(connection, "ANALYZE letter_search");
    }

    [Fact]
    public async Task A_prepared_search_without_a_text_runs_on_its_generic_plan_and_leaves_the_sessions_planning_as_it_was()
    {
        // Prepared as the API's statements are.
        await using var connection = await LettersAsync(settings => settings.MaxAutoPrepare = 10);
        // Npgsql prepares a statement from its fifth use on; PostgreSQL's own choice plans the first five runs of a
        // prepared statement for their values, whatever it does after.
        foreach (var query in new[] { Query(status: "processed"), Query(sortBy: "document_name"), Query(search: "alpha") })
        {
            for (var run = 0; run < 7; run++)
            {
                await AssertAsNaiveAsync(connection, query, SearchTuning.Default);
            }
        }

        await using var plans = new NpgsqlCommand(
            "SELECT statement LIKE '%search_text LIKE%', generic_plans > 0, custom_plans > 0 FROM pg_prepared_statements WHERE statement LIKE '%outcome AS%' ORDER BY 1",
            connection);
        var found = new List<(bool Text, bool Generic, bool Custom)>();
        await using (var reader = await plans.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                found.Add((reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2)));
            }
        }

        Assert.Equal([(false, true, false), (false, true, false), (true, false, true)], found);
        Assert.Equal("auto", await PlanCacheModeAsync(connection));

        // A statement that fails after the setting (a negative limit, which validation keeps from the API) takes it along.
        await Assert.ThrowsAsync<PostgresException>(() => LetterSearch.RunAsync(
            connection, Query() with { Limit = -1 }, CountLimit, SearchTuning.Default, plans: null, CancellationToken.None));
        Assert.Equal("auto", await PlanCacheModeAsync(connection));
    }

    private static async Task<object?> PlanCacheModeAsync(NpgsqlConnection connection)
    {
        await using var setting = new NpgsqlCommand("SHOW plan_cache_mode", connection);
        return await setting.ExecuteScalarAsync();
    }

    [Fact]
    public async Task A_remembered_walk_that_runs_out_after_writes_still_finds_the_page_and_is_remembered_as_a_collect()
    {
        await using var connection = await LettersAsync();
        var plans = new SearchPlanMemory(NullLogger<SearchPlanMemory>.Instance);
        var query = Query(search: "omega", sortBy: "id", sortOrder: "desc");
        // The last 300 letters hold omega (but for 15 NULL titles): a walk of 150 finds the count limit's 101.
        Assert.Equal("walk", (await AssertAsNaiveAsync(connection, query, WalkWithBudget(150), plans: plans)).Strategy);
        // 145 letters after them without it: the walk of 150 remembered now finds 5 of the page's 10.
        await Target.ExecuteAsync(connection, "INSERT INTO letters (document_name, source_file_path) SELECT 'later_' || i || '.pdf', 'in/' || i FROM generate_series(1, 145) i");
        var ranOut = await AssertAsNaiveAsync(connection, query, WalkWithBudget(150), plans: plans);
        Assert.Equal(("walk, collect", true), (ranOut.Strategy, ranOut.Remembered));
        var after = await AssertAsNaiveAsync(connection, query, WalkWithBudget(150), plans: plans);
        Assert.Equal(("collect", true), (after.Strategy, after.Remembered));
    }

    [Fact]
    public async Task A_term_without_a_trigram_and_a_product_are_matched_either_way()
    {
        await using var connection = await LettersAsync();
        foreach (var tuning in new[] { SearchTuning.Default, WalkWithBudget(1000), new SearchTuning(WalkRowsPerCollectedRow: 0) })
        {
            await AssertAsNaiveAsync(connection, Query(search: "q", sortBy: "status", sortOrder: "desc", page: 2), tuning);
            await AssertAsNaiveAsync(connection, Query(search: "/q/", product: "tesys", sortBy: "created_at", sortOrder: "asc"), tuning);
            await AssertAsNaiveAsync(connection, Query(product: "c1", status: "failed", sortBy: "document_name", sortOrder: "desc"), tuning);
            await AssertAsNaiveAsync(connection, Query(minConfidence: 0.3f, maxConfidence: 0.6f, sortBy: "extraction_confidence", sortOrder: "asc", page: 4), tuning);
        }
    }

    [Fact]
    public async Task A_term_without_a_trigram_is_tested_on_each_letter_never_looked_up_in_a_trigram_index_even_on_a_generic_plan()
    {
        await using var connection = await LettersAsync();
        // A generic plan does not know the pattern, and with the table's scan priced out, a trigram index would be the
        // cheapest way left for a plain LIKE: for a pattern without a trigram, a scan of the whole index.
        await Target.ExecuteAsync(connection, """
            SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off;
            LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_level = notice
            """);
        var plans = new List<string>();
        connection.Notice += (_, notice) => plans.Add(notice.Notice.MessageText);

        var collect = new SearchTuning(WalkRowsPerCollectedRow: 0);
        Assert.Equal("collect", (await AssertAsNaiveAsync(connection, Query(search: "q", sortBy: "status", sortOrder: "desc"), collect)).Strategy);
        Assert.Equal("collect", (await AssertAsNaiveAsync(connection, Query(search: "/q/", product: "tesys", sortBy: "id"), collect)).Strategy);

        var logged = string.Join(Environment.NewLine, plans);
        Assert.DoesNotContain("idx_letter_search_trgm", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("idx_letter_product_search_letter_text_trgm", logged, StringComparison.Ordinal);
        Assert.Contains("like_escape($", logged, StringComparison.Ordinal); // the pattern a parameter: the generic plan
    }

    /// <summary>
    /// Random letters (NULLs, NaN, ties, wildcards, non-BMP text), random writes between the searches, random queries,
    /// repeated, and a strategy forced at random or remembered from before the writes: the page and the total are always
    /// the naive query's. Every write commits, as the
    /// API's do (a product's search row is written at commit); each case starts from an empty database of its own.
    /// </summary>
    [Fact]
    public async Task Every_strategy_answers_as_the_naive_query_after_every_write()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await Cases.SampleAsync(async (letters, queries, remember, steps) =>
        {
            // Searches repeat from a few queries per case: with a memory, a way chosen before the writes is taken after them.
            var plans = remember ? new SearchPlanMemory(NullLogger<SearchPlanMemory>.Instance) : null;
            await using (var empty = new NpgsqlCommand("TRUNCATE letters CASCADE", connection))
            {
                await empty.ExecuteNonQueryAsync();
            }

            var ids = await InsertAsync(connection, letters);
            foreach (var step in steps)
            {
                if (step.Search is { } search)
                {
                    await AssertAsNaiveAsync(connection, queries[search.Query % queries.Length], search.Tuning, search.CountLimit, plans);
                }
                else if (ids.Count > 0)
                {
                    await WriteAsync(connection, step.Write!, ids);
                }
            }
        }, iter: 60, threads: 1);
    }

    /// <summary>A connection to a copy of the 3,000 letters, its settings changed by <paramref name="configure"/>.</summary>
    private async Task<NpgsqlConnection> LettersAsync(Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        // Written once, copied for each test (3.5 s a test before).
        var database = await postgres.CreateFilledDatabaseAsync("strategy_letters", async template =>
        {
            // 3,000 letters' search rows are rewritten at one commit: seconds alone, more than the default 30 s of command
            // time on a machine shared with the parallel whole-app tests.
            var slow = new NpgsqlConnectionStringBuilder(template) { CommandTimeout = 300 }.ConnectionString;
            await Target.ExecuteAsync(slow, Letters);
            // Apart, after the commit: the letters' search rows are written at the commit of the transaction that wrote
            // them, and the sample scales by letter_search's row count as ANALYZE left it (the copies keep its statistics).
            await Target.ExecuteAsync(slow, "ANALYZE");
        });
        var settings = new NpgsqlConnectionStringBuilder(database);
        configure?.Invoke(settings);
        var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static TimestampBound Bound(string text) => TimestampBound.TryParse(text, null, out var bound) ? bound : throw new FormatException(text);

    private static LetterSearchQuery Query(
        string? search = null, string? product = null, string? status = null, float? minConfidence = null, float? maxConfidence = null,
        string sortBy = "created_at", string sortOrder = "desc", int page = 1, int limit = 10) =>
        new(search, status, null, null, minConfidence, maxConfidence, product, sortBy, sortOrder, page, limit);

    /// <summary>Runs the search and the naive query on the same connection, and asserts they agree.</summary>
    private static async Task<SearchOutcome> AssertAsNaiveAsync(
        NpgsqlConnection connection, LetterSearchQuery query, SearchTuning tuning, int countLimit = CountLimit, SearchPlanMemory? plans = null)
    {
        var outcome = await LetterSearch.RunAsync(connection, query, countLimit, tuning, plans, CancellationToken.None);
        var (ids, total) = await NaiveAsync(connection, query, countLimit);
        var found = outcome.Page.Data.Select(letter => letter.Id).ToList();
        Assert.True(ids.SequenceEqual(found) && Math.Min(total, countLimit) == outcome.Page.Total && (total > countLimit) == outcome.Page.TotalCapped,
            $"{query} with {tuning}, count limit {countLimit} ({outcome.Strategy}): [{string.Join(", ", found)}] of {outcome.Page.Total} "
            + $"(capped: {outcome.Page.TotalCapped}), the naive query [{string.Join(", ", ids)}] of {total}");
        return outcome;
    }

    /// <summary>Every letter tested on its own columns and products, sorted with the id as tie-breaker, counted up to the limit + 1.</summary>
    private static async Task<(List<int> Ids, int Total)> NaiveAsync(NpgsqlConnection connection, LetterSearchQuery query, int countLimit)
    {
        var conditions = new List<string> { "true" };
        await using var command = new NpgsqlCommand { Connection = connection };
        if (!string.IsNullOrEmpty(query.Search))
        {
            conditions.Add("(strpos(lower(l.document_name), @term) > 0 OR strpos(lower(coalesce(l.document_title, '')), @term) > 0 OR strpos(lower(l.source_file_path), @term) > 0)");
            command.Parameters.Add(new NpgsqlParameter<string>("term", query.Search.ToLowerInvariant()));
        }

        if (!string.IsNullOrEmpty(query.Product))
        {
            conditions.Add("""
                EXISTS (SELECT FROM letter_products p WHERE p.letter_id = l.id
                    AND (strpos(lower(coalesce(p.product_identifier, '')), @product) > 0 OR strpos(lower(coalesce(p.range_label, '')), @product) > 0))
                """);
            command.Parameters.Add(new NpgsqlParameter<string>("product", query.Product.ToLowerInvariant()));
        }

        if (query.Status is { } status)
        {
            conditions.Add("l.status = @status");
            command.Parameters.Add(new NpgsqlParameter<string>("status", status));
        }

        if (query.CreatedFrom is { First: var from })
        {
            conditions.Add("l.created_at >= @from");
            command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Timestamp) { Value = from });
        }

        if (query.CreatedTo is { Last: var to })
        {
            conditions.Add("l.created_at <= @to");
            command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Timestamp) { Value = to });
        }

        if (query.MinConfidence is { } min)
        {
            conditions.Add("l.extraction_confidence >= @min");
            command.Parameters.Add(new NpgsqlParameter<float>("min", min));
        }

        if (query.MaxConfidence is { } max)
        {
            conditions.Add("l.extraction_confidence <= @max");
            command.Parameters.Add(new NpgsqlParameter<float>("max", max));
        }

        var direction = query.SortOrder == "asc" ? "ASC" : "DESC";
        var order = query.SortBy == "id" ? $"l.id {direction}" : $"l.{query.SortBy} {direction}, l.id {direction}";
        var limit = query.Limit ?? LetterSearchQuery.DefaultLimit;
        command.CommandText = $"""
            SELECT least(count(*) OVER (), {countLimit + 1})::int, l.id FROM letters l WHERE {string.Join(" AND ", conditions)}
            ORDER BY {order} LIMIT {limit} OFFSET {((query.Page ?? 1) - 1) * limit}
            """;
        var ids = new List<int>();
        var total = -1;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                total = reader.GetInt32(0);
                ids.Add(reader.GetInt32(1));
            }
        }

        if (total < 0)
        {
            // The page is past the last match: count on its own.
            command.CommandText = $"SELECT least(count(*), {countLimit + 1})::int FROM letters l WHERE {string.Join(" AND ", conditions)}";
            total = (int)(await command.ExecuteScalarAsync())!;
        }

        return (ids, total);
    }

    private static async Task<List<int>> InsertAsync(NpgsqlConnection connection, LetterRow[] letters)
    {
        var ids = new List<int>();
        foreach (var letter in letters)
        {
            await using var command = new NpgsqlCommand("""
                WITH letter AS (
                    INSERT INTO letters (document_name, document_title, source_file_path, processing_time_ms, extraction_confidence, created_at, status)
                    VALUES (@name, @title, @path, @time, @confidence, @created, @status) RETURNING id),
                products AS (INSERT INTO letter_products (letter_id, product_identifier, range_label) SELECT id, p, @range FROM letter, unnest(@products) p)
                SELECT id FROM letter
                """, connection);
            letter.AddTo(command.Parameters);
            ids.Add((int)(await command.ExecuteScalarAsync())!);
        }

        return ids;
    }

    private static async Task WriteAsync(NpgsqlConnection connection, WriteStep write, List<int> ids)
    {
        var id = ids[write.Index % ids.Count];
        var sql = write.Kind switch
        {
            WriteKind.Update => """
                UPDATE letters SET document_name = @name, document_title = @title, source_file_path = @path, processing_time_ms = @time,
                    extraction_confidence = @confidence, created_at = @created, status = @status WHERE id = @id
                """,
            WriteKind.ChangeProducts => "DELETE FROM letter_products WHERE letter_id = @id; INSERT INTO letter_products (letter_id, product_identifier, range_label) SELECT @id, p, @range FROM unnest(@products) p",
            _ => "DELETE FROM letters WHERE id = @id",
        };
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<int>("id", id));
        if (write.Kind != WriteKind.Delete)
        {
            write.Values.AddTo(command.Parameters);
        }

        await command.ExecuteNonQueryAsync();
        if (write.Kind == WriteKind.Delete)
        {
            ids.Remove(id);
        }
    }

    // Words that share trigrams and substrings, wildcards taken literally, upper case, accents and a non-BMP character.
    private static readonly Gen<string> Word = Gen.OneOf("alpha", "Alphabet", "alp", "zelio", "ZELIO relay", "100%_x", @"a\b", "é", "Ére", "🙂x", "q", "x_y", "pdf");
    private static readonly Gen<string> Text = Word.Array[1, 3].Select(words => string.Join(" ", words));
    private static readonly Gen<float?> Score = Gen.OneOf<float?>(null, float.NaN, 0f, 0.25f, 0.5f, 0.5f, 0.9f, 1f);
    private static readonly Gen<string?> Status = Gen.OneOf<string?>(null, "processed", "failed", "pending");

    private static readonly Gen<LetterRow> Row = Gen.Select(
        Gen.Select(Text, Text.Null(0.2), Text),
        Gen.Select(Score, Score, Gen.Int[0, 6].Select(days => days == 6 ? (DateTime?)null : new DateTime(2024, 1, 1).AddDays(days)), Status),
        Gen.Select(Gen.OneOf("LC1D09", "RXM2AB", "ATV320"), Gen.OneOf<string?>(null, "TeSys D", "Zelio Relay")).Array[0, 2],
        (texts, scores, products) => new LetterRow(texts.Item1, texts.Item2, texts.Item3, scores.Item1, scores.Item2, scores.Item3, scores.Item4,
            [.. products.Select(product => product.Item1)], products.Select(product => product.Item2).FirstOrDefault()));

    // A date (its whole day) or a moment, on and between the letters' days.
    private static readonly Gen<TimestampBound?> Bounds = Gen.OneOf<string?>(null, null, "2024-01-03", "2024-01-02T00:00:00Z", "2024-01-04T12:00:00+02:00")
        .Select(text => TimestampBound.TryParse(text, null, out var bound) ? bound : (TimestampBound?)null);

    private static readonly Gen<LetterSearchQuery> Queries = Gen.Select(
        Gen.Select(Word.Null(0.3), Gen.OneOf<string?>(null, null, "lc1", "zelio", "d0"), Status, Gen.OneOf<float?>(null, 0.25f, 0.5f),
            Bounds, Bounds),
        Gen.OneOf(LetterSearchQuery.SortColumns), Gen.Bool, Gen.Int[1, 4], Gen.Int[1, 15],
        (filters, sortBy, ascending, page, limit) => new LetterSearchQuery(
            filters.Item1, filters.Item3, filters.Item5, filters.Item6, filters.Item4, null, filters.Item2, sortBy, ascending ? "asc" : "desc", page, limit));

    // The API's choice, a walk whenever possible, a collect always, a walk without budget, a sample of one page, a walk
    // always to the count limit or always to the page only.
    private static readonly Gen<SearchTuning> Tunings = Gen.OneOf(
        SearchTuning.Default, WalkWithBudget(1000), new SearchTuning(WalkRowsPerCollectedRow: 0), WalkWithBudget(2), new SearchTuning(SampleRows: 1),
        WalkWithBudget(1000) with { CountScanSpeedup = 1e-9 }, WalkWithBudget(1000) with { CountScanSpeedup = 1e9 });

    private static readonly Gen<Step> Steps = Gen.Frequency(
        (3, Gen.Select(Gen.Int[0, 3], Tunings, Gen.Int[1, 30], (query, tuning, countLimit) => new Step(new SearchStep(query, tuning, countLimit), null))),
        (1, Gen.Select(Gen.OneOf(WriteKind.Update, WriteKind.ChangeProducts, WriteKind.Delete), Gen.Int[0, 1000], Row,
            (kind, index, values) => new Step(null, new WriteStep(kind, index, values)))));

    private static readonly Gen<(LetterRow[], LetterSearchQuery[], bool, Step[])> Cases = Gen.Select(Row.Array[0, 60], Queries.Array[1, 4], Gen.Bool, Steps.Array[1, 12]);

    private sealed record LetterRow(
        string Name, string? Title, string Path, float? ProcessingTime, float? Confidence, DateTime? Created, string? Status, string[] Products, string? Range)
    {
        public override string ToString() =>
            $"({Name} | {Title} | {Path} | {ProcessingTime} | {Confidence} | {Created:yyyy-MM-dd} | {Status} | products [{string.Join(", ", Products)}] of {Range})";

        public void AddTo(NpgsqlParameterCollection parameters)
        {
            parameters.Add(new NpgsqlParameter<string>("name", Name));
            parameters.Add(new NpgsqlParameter("title", NpgsqlDbType.Text) { Value = (object?)Title ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter<string>("path", Path));
            parameters.Add(new NpgsqlParameter("time", NpgsqlDbType.Real) { Value = (object?)ProcessingTime ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter("confidence", NpgsqlDbType.Real) { Value = (object?)Confidence ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter("created", NpgsqlDbType.Timestamp) { Value = (object?)Created ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)Status ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter<string[]>("products", Products));
            parameters.Add(new NpgsqlParameter("range", NpgsqlDbType.Text) { Value = (object?)Range ?? DBNull.Value });
        }
    }

    private enum WriteKind
    {
        Update,
        ChangeProducts,
        Delete,
    }

    /// <summary>A search of the case's queries (the index taken modulo their number).</summary>
    private sealed record SearchStep(int Query, SearchTuning Tuning, int CountLimit);

    private sealed record WriteStep(WriteKind Kind, int Index, LetterRow Values);

    private sealed record Step(SearchStep? Search, WriteStep? Write);

    /// <summary>Counts the warnings a <see cref="SearchPlanMemory"/> logs.</summary>
    private sealed class WarningCounter : ILogger<SearchPlanMemory>
    {
        private int _warnings;

        public int Warnings => Volatile.Read(ref _warnings);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Interlocked.Increment(ref _warnings);
            }
        }
    }
}
