using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using System.Text.Json.Nodes;
using SeLetters.Tests.Import;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

/// <summary>
/// <c>range_counts</c> and <c>failed_steps</c> of the statistics: the totals the writing transactions keep (and the
/// per-letter ranges behind them) against a recount from the tables written apart from the schema's SQL.
/// </summary>
public sealed class RangeAndFailedStepStatisticsTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    // A range is a label with a character other than a space, tab or line break; a letter counts once per label.
    private const string Ranges = """
        SELECT DISTINCT letter_id, range_label FROM letter_products WHERE translate(range_label, E' \t\r\n', '') <> ''
        """;

    internal const string RangesRecount = $$"""
        SELECT coalesce(jsonb_object_agg(range_label, letters), '{}')::text
        FROM (SELECT range_label, count(*) AS letters FROM ({{Ranges}}) r GROUP BY range_label) c
        """;

    internal const string RangesFromTotals = """
        SELECT coalesce(jsonb_object_agg(bucket, value), '{}')::text FROM letter_statistics_current WHERE metric = 'range'
        """;

    internal const string LetterRangesRecount = $"""
        SELECT coalesce(jsonb_agg(jsonb_build_array(letter_id, range_label) ORDER BY letter_id, range_label COLLATE "C"), '[]')::text FROM ({Ranges}) r
        """;

    internal const string LetterRangesKept = """
        SELECT coalesce(jsonb_agg(jsonb_build_array(letter_id, range_label) ORDER BY letter_id, range_label COLLATE "C"), '[]')::text FROM letter_ranges
        """;

    // A failure is a step whose step_success is false; NULL is not one.
    internal const string FailedStepsRecount = """
        SELECT coalesce(jsonb_object_agg(processing_step, failures), '{}')::text
        FROM (SELECT processing_step, count(*) AS failures FROM processing_debug WHERE step_success IS FALSE GROUP BY processing_step) f
        """;

    internal const string FailedStepsFromTotals = """
        SELECT coalesce(jsonb_object_agg(bucket, value), '{}')::text FROM letter_statistics_current WHERE metric = 'failed_step'
        """;

    // What the endpoint reports: the ten most common, ties by name in byte order; a step's latest failure's message.
    private const string ExpectedRangeCounts = $"""
        SELECT coalesce(jsonb_agg(jsonb_build_object('range_label', range_label, 'letters', letters) ORDER BY letters DESC, range_label COLLATE "C"), '[]')::text
        FROM (SELECT range_label, count(*) AS letters FROM ({Ranges}) r GROUP BY range_label ORDER BY letters DESC, range_label COLLATE "C" LIMIT 10) c
        """;

    private const string ExpectedFailedSteps = """
        SELECT coalesce(jsonb_agg(jsonb_build_object('processing_step', processing_step, 'failures', failures, 'latest_error_message', latest)
            ORDER BY failures DESC, processing_step COLLATE "C"), '[]')::text
        FROM (SELECT processing_step, count(*) AS failures, (array_agg(error_message ORDER BY step_timestamp DESC NULLS LAST, id DESC))[1] AS latest
              FROM processing_debug WHERE step_success IS FALSE GROUP BY processing_step ORDER BY failures DESC, processing_step COLLATE "C" LIMIT 10) f
        """;

    private static readonly string?[] RangeLabels =
        ["TeSys D", "tesys d", "TeSys D ", null, "", " \t\r\n", "Altivar 𝄞", new('R', 500), "Range, with = signs", .. Enumerable.Range(0, 12).Select(i => $"Range {i:D2}")];

    private string _database = "";
    private LettersApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        _api = LettersApiFactory.For(_database, ("Api:StatisticsFoldInterval", "01:00:00"));
    }

    [Fact]
    public async Task Ranges_and_failed_steps_equal_a_full_recount_after_concurrent_stores_puts_patches_and_deletes_before_and_after_folding()
    {
        using var writer = _api.CreateWriter();
        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => StoreAsync(writer, LetterWith(i))));

        // Concurrently: products replaced by a PUT (the letter's ranges move), statuses patched, letters deleted.
        await Task.WhenAll(ids.Take(24).Select(async (id, i) =>
        {
            using var response = (i % 3) switch
            {
                0 => await writer.PutAsJsonAsync($"/api/letters/{id}", LetterWith(i + 7)),
                1 => await writer.PatchAsJsonAsync($"/api/letters/{id}", new JsonObject { ["status"] = "reviewed" }),
                _ => await writer.DeleteAsync($"/api/letters/{id}"),
            };
            Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage!.Method} {id}: {(int)response.StatusCode}");
        }));
        // Writes the API does not make: a product moved to another letter, a range renamed, a step's success and name
        // changed, a step with NULL success, a failed step deleted.
        await Target.ExecuteAsync(_database, $"""
            UPDATE letter_products SET letter_id = {ids[30]} WHERE id = (SELECT min(id) FROM letter_products WHERE letter_id = {ids[31]});
            UPDATE letter_products SET range_label = 'Renamed' WHERE id = (SELECT max(id) FROM letter_products WHERE letter_id = {ids[32]});
            UPDATE processing_debug SET step_success = false, error_message = 'late failure' WHERE letter_id = {ids[33]} AND step_success;
            UPDATE processing_debug SET processing_step = 'ocr (retried)' WHERE letter_id = {ids[34]} AND NOT step_success;
            INSERT INTO processing_debug (letter_id, processing_step, step_success, error_message) VALUES ({ids[35]}, 'ocr', NULL, 'unknown outcome');
            DELETE FROM processing_debug WHERE id = (SELECT max(id) FROM processing_debug WHERE step_success = false AND letter_id = {ids[36]});
            """);

        await AssertExactAsync(_database);
        Assert.True(await Target.ScalarAsync<long>(_database, "SELECT count(*) FROM letter_statistics_changes WHERE metric IN ('range', 'failed_step')") > 0);
        await Target.ExecuteAsync(_database, "SELECT fold_letter_statistics()");
        await AssertExactAsync(_database);
        await AssertReportedAsync(_database, _api);
    }

    [Fact]
    public async Task After_an_import_with_nul_characters_the_totals_are_exact_and_stay_exact_after_api_writes()
    {
        using var folder = new TempFolder();
        var source = folder.File("ranges.duckdb");
        // NUL characters, which PostgreSQL text cannot hold, are stripped: 'TeSys\0 D' becomes 'TeSys D', the same range
        // as its letter's other product, and '\0' an empty label, no range.
        DuckDb.Execute(source,
            "CREATE TABLE letters (id INTEGER PRIMARY KEY, document_name VARCHAR NOT NULL, source_file_path VARCHAR NOT NULL)",
            "INSERT INTO letters SELECT g, 'letter-' || g || '.pdf', 'in/' || g || '.pdf' FROM range(1, 7) t(g)",
            "CREATE TABLE letter_products (id INTEGER PRIMARY KEY, letter_id INTEGER NOT NULL, product_identifier VARCHAR, range_label VARCHAR)",
            """
            INSERT INTO letter_products VALUES (1, 1, 'LC1D09', 'TeSys D'), (2, 1, 'LC1D12', 'TeSys' || chr(0) || ' D'), (3, 2, 'LC1D18', chr(0)),
                (4, 2, 'ATV61', NULL), (5, 3, 'ATV71', 'Altivar'), (6, 4, 'LC1D25', 'TeSys D'), (7, 5, 'XB4', '  ')
            """,
            """
            CREATE TABLE processing_debug (id INTEGER PRIMARY KEY, letter_id INTEGER NOT NULL, processing_step VARCHAR NOT NULL,
                step_timestamp TIMESTAMP, step_success BOOLEAN, error_message VARCHAR)
            """,
            """
            INSERT INTO processing_debug VALUES
                (1, 1, 'ocr', TIMESTAMP '2024-01-01 10:00', false, 'first' || chr(0) || ' timeout'),
                (2, 2, 'ocr', TIMESTAMP '2024-01-02 10:00', false, 'second timeout'),
                (3, 3, 'ocr', NULL, false, 'undated'),
                (4, 3, 'matching', TIMESTAMP '2024-01-03 10:00', NULL, 'unknown outcome'),
                (5, 4, 'matching', TIMESTAMP '2024-01-03 10:00', true, NULL),
                (6, 5, 'extraction', TIMESTAMP '2024-01-04 10:00', false, NULL)
            """);
        var run = await ImportRun.ImportAsync(_database, folder, source);
        Assert.True(run.ExitCode == 0, run.Output);

        await AssertExactAsync(_database);
        Assert.Equal("""{"Altivar": 1, "TeSys D": 2}""", await Target.ScalarAsync<string>(_database, RangesFromTotals));
        Assert.Equal("""{"ocr": 3, "extraction": 1}""", await Target.ScalarAsync<string>(_database, FailedStepsFromTotals));
        var statistics = await GetJsonAsync(_api.CreateClient(), "/api/letters/statistics");
        Assert.Equal("second timeout", statistics.GetProperty("failed_steps")[0].GetProperty("latest_error_message").GetString());

        using var writer = _api.CreateWriter();
        using (var deleted = await writer.DeleteAsync("/api/letters/1"))
        using (var replaced = await writer.PutAsJsonAsync("/api/letters/3", LetterWith(0)))
        using (var patched = await writer.PatchAsJsonAsync("/api/letters/4", new JsonObject { ["status"] = "reviewed" }))
        {
            Assert.True(deleted.IsSuccessStatusCode && replaced.IsSuccessStatusCode && patched.IsSuccessStatusCode);
        }

        await StoreAsync(writer, LetterWith(1));
        await AssertExactAsync(_database);
        await AssertReportedAsync(_database, _api);
    }

    [Fact]
    public async Task Letters_stored_before_the_migration_are_counted_by_it()
    {
        var database = await postgres.CreateEmptyDatabaseAsync();
        await using (var context = PostgresServerFixture.CreateContext(database))
        {
            await context.GetService<IMigrator>().MigrateAsync("20261130011000_DerivedRowsRewrittenTogether");
        }

        await Target.ExecuteAsync(database, """
            INSERT INTO letters (id, document_name, source_file_path) VALUES (1, 'a.pdf', 'in/a.pdf'), (2, 'b.pdf', 'in/b.pdf');
            INSERT INTO letter_products (letter_id, product_identifier, range_label) VALUES (1, 'LC1D09', 'TeSys D'), (1, 'LC1D12', 'TeSys D'), (2, 'ATV61', 'Altivar'), (2, 'XB4', NULL);
            INSERT INTO processing_debug (letter_id, processing_step, step_success, error_message) VALUES (1, 'ocr', false, 'timeout'), (2, 'ocr', NULL, NULL), (2, 'matching', true, NULL);
            """);
        await using (var context = PostgresServerFixture.CreateContext(database))
        {
            await context.GetService<IMigrator>().MigrateAsync();
        }

        await AssertExactAsync(database);
        Assert.Equal("""{"Altivar": 1, "TeSys D": 1}""", await Target.ScalarAsync<string>(database, RangesFromTotals));
        Assert.Equal("""{"ocr": 1}""", await Target.ScalarAsync<string>(database, FailedStepsFromTotals));
    }

    /// <summary>
    /// Letter <paramref name="i"/>: products in a few of the ranges (one twice, blank and NULL labels among them) and
    /// steps that fail, succeed or did not say, with and without an error message.
    /// </summary>
    private static JsonObject LetterWith(int i)
    {
        var letter = Letter($"ranges-{i}.pdf");
        letter["products"] = new JsonArray(Enumerable.Range(0, 1 + i % 4)
            .Select(k => RangeLabels[(i * 3 + k * k) % RangeLabels.Length])
            .Append(RangeLabels[i % RangeLabels.Length])
            .Select((range, k) => (JsonNode)new JsonObject { ["product_identifier"] = $"P{i}-{k}", ["range_label"] = range })
            .ToArray());
        letter["processing_debug"] = new JsonArray(Enumerable.Range(0, 1 + i % 3)
            .Select(k => (JsonNode)new JsonObject
            {
                ["processing_step"] = new[] { "ocr", "matching", "extraction", "validation 𝄞" }[(i + k) % 4],
                ["step_timestamp"] = $"2026-11-{1 + (i * 7 + k) % 28:D2}T10:00:00",
                ["step_success"] = (i + k) % 3 != 0,
                ["error_message"] = (i + k) % 5 == 0 ? null : $"error {i}-{k}",
            })
            .ToArray());
        return letter;
    }

    /// <summary>The kept rows and totals equal their recount, and the statistics' own recount holds too.</summary>
    internal static async Task AssertExactAsync(string database)
    {
        Assert.Equal(await Target.ScalarAsync<string>(database, LetterRangesRecount), await Target.ScalarAsync<string>(database, LetterRangesKept));
        Assert.Equal(await Target.ScalarAsync<string>(database, RangesRecount), await Target.ScalarAsync<string>(database, RangesFromTotals));
        Assert.Equal(await Target.ScalarAsync<string>(database, FailedStepsRecount), await Target.ScalarAsync<string>(database, FailedStepsFromTotals));
        Assert.Equal(await Target.ScalarAsync<string>(database, LetterStatisticsTests.Recount), await Target.ScalarAsync<string>(database, LetterStatisticsTests.FromTotals));
    }

    private static async Task AssertReportedAsync(string database, LettersApiFactory api)
    {
        var statistics = await GetJsonAsync(api.CreateClient(), "/api/letters/statistics");
        AssertJsonEqual(await Target.ScalarAsync<string>(database, ExpectedRangeCounts), statistics.GetProperty("range_counts").GetRawText());
        AssertJsonEqual(await Target.ScalarAsync<string>(database, ExpectedFailedSteps), statistics.GetProperty("failed_steps").GetRawText());
    }

    private static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");

    public async Task DisposeAsync() => await _api.DisposeAsync();
}
