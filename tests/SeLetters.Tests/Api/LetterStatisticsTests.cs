using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

/// <summary>The statistics totals kept by the writing transactions against a full recount.</summary>
public sealed class LetterStatisticsTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    // Everything the endpoint reports, counted from the tables themselves, written independently of the triggers' SQL.
    internal const string Recount = """
        SELECT concat_ws('|',
            (SELECT count(*) FROM letters),
            (SELECT string_agg(coalesce(status, '') || '=' || n, ',' ORDER BY coalesce(status, ''))
               FROM (SELECT status, count(*) AS n FROM letters GROUP BY status) s),
            (SELECT string_agg(day || '=' || n, ',' ORDER BY day)
               FROM (SELECT created_at::date AS day, count(*) AS n FROM letters WHERE created_at IS NOT NULL GROUP BY 1) d),
            (SELECT string_agg(b || '=' || n, ',' ORDER BY b)
               FROM (SELECT least(floor(extraction_confidence::numeric * 10), 9) AS b, count(*) AS n FROM letters
                     WHERE extraction_confidence >= 0 AND extraction_confidence < 'Infinity' GROUP BY 1) h),
            (SELECT round(avg(extraction_confidence)::numeric, 9) FROM letters WHERE extraction_confidence < 'Infinity' AND extraction_confidence > '-Infinity'),
            (SELECT round(avg(processing_time_ms)::numeric, 6) FROM letters WHERE processing_time_ms < 'Infinity' AND processing_time_ms > '-Infinity'),
            (SELECT count(*) FROM letter_products),
            (SELECT count(*) FROM letter_product_matches))
        """;

    // The same, from the totals the API reads.
    internal const string FromTotals = """
        WITH t AS (SELECT metric, bucket, value FROM letter_statistics_current)
        SELECT concat_ws('|',
            coalesce((SELECT value FROM t WHERE metric = 'letters'), 0),
            (SELECT string_agg(bucket || '=' || value, ',' ORDER BY bucket) FROM t WHERE metric = 'status'),
            (SELECT string_agg(bucket || '=' || value, ',' ORDER BY bucket) FROM t WHERE metric = 'day'),
            (SELECT string_agg(bucket || '=' || value, ',' ORDER BY bucket::int) FROM t WHERE metric = 'confidence_bucket'),
            (SELECT round((SELECT value FROM t WHERE metric = 'confidence_sum') / (SELECT value FROM t WHERE metric = 'confidence_count'), 9)),
            (SELECT round((SELECT value FROM t WHERE metric = 'processing_time_sum') / (SELECT value FROM t WHERE metric = 'processing_time_count'), 6)),
            coalesce((SELECT value FROM t WHERE metric = 'products'), 0),
            coalesce((SELECT value FROM t WHERE metric = 'matches'), 0))
        """;

    private string _database = "";
    private LettersApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        // Folding left to the test, so the totals are checked both before and after it.
        _api = LettersApiFactory.For(_database, ("Api:StatisticsFoldInterval", "01:00:00"));
    }

    [Fact]
    public async Task Totals_equal_a_full_recount_after_concurrent_stores_edits_and_deletes_before_and_after_folding()
    {
        using var writer = _api.CreateWriter();
        var statuses = new[] { "processed", "failed", "pending" };
        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
        {
            var letter = Letter($"letter-{i}.pdf");
            letter["status"] = statuses[i % 3];
            letter["extraction_confidence"] = i % 11 / 10.0;
            letter["processing_time_ms"] = 100 + i * 7.25;
            return StoreAsync(writer, letter);
        }));

        await Task.WhenAll(ids.Take(20).Select(async (id, i) =>
        {
            if (i % 2 == 0)
            {
                using var patched = await writer.PatchAsJsonAsync($"/api/letters/{id}", new JsonObject { ["status"] = "reviewed" });
                Assert.True(patched.IsSuccessStatusCode);
            }
            else
            {
                using var deleted = await writer.DeleteAsync($"/api/letters/{id}");
                Assert.True(deleted.IsSuccessStatusCode);
            }
        }));
        // Writes the API does not make: moving a letter to another day and confidence, a product and a match removed.
        await Target.ExecuteAsync(_database, $"UPDATE letters SET created_at = created_at - interval '3 days', extraction_confidence = NULL WHERE id = {ids[30]}");
        await Target.ExecuteAsync(_database, $"DELETE FROM letter_product_matches WHERE id = (SELECT min(id) FROM letter_product_matches)");
        await Target.ExecuteAsync(_database, $"DELETE FROM letter_products WHERE letter_id = {ids[31]}");

        var expected = await Target.ScalarAsync<string>(_database, Recount);
        Assert.Equal(expected, await Target.ScalarAsync<string>(_database, FromTotals));
        Assert.True(await Target.CountAsync(_database, "letter_statistics_changes") > 0);

        await Target.ExecuteAsync(_database, "SELECT fold_letter_statistics()");

        Assert.Equal(0, await Target.CountAsync(_database, "letter_statistics_changes"));
        Assert.Equal(expected, await Target.ScalarAsync<string>(_database, FromTotals));
        var statistics = await GetJsonAsync(_api.CreateClient(), "/api/letters/statistics");
        Assert.Equal(30, statistics.GetProperty("total_letters").GetInt32());
        Assert.Equal(await Target.ScalarAsync<int>(_database, "SELECT count(*) FROM letters WHERE status = 'reviewed'"),
            statistics.GetProperty("status_counts").GetProperty("reviewed").GetInt32());
        Assert.Equal(await Target.ScalarAsync<double>(_database, "SELECT avg(extraction_confidence::float8) FROM letters"),
            statistics.GetProperty("avg_confidence").GetDouble(), 12);
    }

    [Fact]
    public async Task Nan_and_infinity_stay_out_of_averages_and_histogram()
    {
        using var writer = _api.CreateWriter();
        await StoreAsync(writer, Letter("finite.pdf"));
        await Target.ExecuteAsync(_database, """
            INSERT INTO letters (document_name, source_file_path, extraction_confidence, processing_time_ms)
            VALUES ('nan.pdf', 'in/nan.pdf', 'NaN', 'Infinity'), ('inf.pdf', 'in/inf.pdf', '-Infinity', 'NaN')
            """);

        var statistics = await GetJsonAsync(_api.CreateClient(), "/api/letters/statistics");

        Assert.Equal(3, statistics.GetProperty("total_letters").GetInt32());
        Assert.Equal(0.95, statistics.GetProperty("avg_confidence").GetDouble(), 6);
        Assert.Equal(1000, statistics.GetProperty("avg_processing_time").GetDouble());
        Assert.Equal(1, statistics.GetProperty("confidence_histogram").EnumerateArray().Sum(bucket => bucket.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task A_session_with_the_triggers_off_leaves_no_changes_and_a_refresh_recounts_exactly()
    {
        await Target.ExecuteAsync(_database, """
            SELECT set_config('seletters.bulk_load', 'on', false);
            INSERT INTO letters (document_name, source_file_path, status, extraction_confidence) VALUES ('bulk.pdf', 'in/bulk.pdf', 'failed', 0.5);
            INSERT INTO letter_products (letter_id, product_identifier) SELECT id, 'P1' FROM letters;
            """);

        Assert.Equal(0, await Target.CountAsync(_database, "letter_statistics_changes"));
        Assert.NotEqual(await Target.ScalarAsync<string>(_database, Recount), await Target.ScalarAsync<string>(_database, FromTotals));

        await Target.ExecuteAsync(_database, "SELECT refresh_letter_statistics()");

        Assert.Equal(await Target.ScalarAsync<string>(_database, Recount), await Target.ScalarAsync<string>(_database, FromTotals));
    }

    [Fact]
    public async Task The_api_folds_the_change_rows_by_itself()
    {
        await using var folding = LettersApiFactory.For(_database, ("Api:StatisticsFoldInterval", "00:00:00.2"));
        using var writer = folding.CreateWriter();
        await StoreAsync(writer, Letter("folded.pdf"));
        var expected = await Target.ScalarAsync<string>(_database, Recount);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await Target.CountAsync(_database, "letter_statistics_changes") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the change rows were not folded within 10 s");
            await Task.Delay(100);
        }

        Assert.Equal(expected, await Target.ScalarAsync<string>(_database, FromTotals));
        Assert.Equal(1, await Target.ScalarAsync<int>(_database, "SELECT value FROM letter_statistics WHERE metric = 'letters'"));
    }

    [Fact]
    public async Task Letters_per_day_covers_the_last_30_days_up_to_today_only()
    {
        using var writer = _api.CreateWriter();
        foreach (var name in new[] { "today.pdf", "29-days-ago.pdf", "30-days-ago.pdf", "tomorrow.pdf" })
        {
            await StoreAsync(writer, Letter(name));
        }

        // The API's days are UTC days on the database's clock; when midnight passes during a try, the next try is on one day.
        const string utcToday = "SELECT (now() AT TIME ZONE 'UTC')::date::timestamp";
        DateTime today;
        List<(string?, int)> days;
        do
        {
            today = await Target.ScalarAsync<DateTime>(_database, utcToday);
            // Imported letters keep their source's created_at, also one after today (a skewed clock).
            await Target.ExecuteAsync(_database, $"""
                UPDATE letters SET created_at = DATE '{today:yyyy-MM-dd}' + CASE document_name
                    WHEN '29-days-ago.pdf' THEN -29 WHEN '30-days-ago.pdf' THEN -30 WHEN 'tomorrow.pdf' THEN 1 ELSE 0 END
                """);
            days = (await GetJsonAsync(_api.CreateClient(), "/api/letters/statistics")).GetProperty("letters_per_day").EnumerateArray()
                .Select(day => (day.GetProperty("day").GetString(), day.GetProperty("count").GetInt32())).ToList();
        }
        while (today != await Target.ScalarAsync<DateTime>(_database, utcToday));

        Assert.Equal([($"{today.AddDays(-29):yyyy-MM-dd}", 1), ($"{today:yyyy-MM-dd}", 1)], days);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();
}
