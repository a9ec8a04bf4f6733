using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using SeLetters.Data;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

/// <summary>letter_search, what a search counts its matches on, against the letters it is derived from.</summary>
public sealed class LetterSearchTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const string Columns = """
        search_text || ':' || document_name || ':' || coalesce(processing_time_ms::text, '-') || ':' || coalesce(extraction_confidence::text, '-')
            || ':' || coalesce(created_at::text, '-') || ':' || coalesce(status, '-')
        """;
    internal const string Kept = $"SELECT coalesce(string_agg(letter_id || ':' || {Columns}, '|' ORDER BY letter_id), '') FROM letter_search";
    internal const string Derived = $"SELECT coalesce(string_agg(id || ':' || {Columns}, '|' ORDER BY id), '') FROM letters";

    [Fact]
    public async Task Follows_the_letters_through_stores_patches_deletes_and_direct_edits_and_serves_the_search()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var api = LettersApiFactory.For(database);
        using var writer = api.CreateWriter();
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => StoreAsync(writer, Letter($"Relay-{i}.pdf"))));
        using (var patched = await writer.PatchAsJsonAsync($"/api/letters/{ids[1]}", new JsonObject { ["status"] = "failed", ["document_title"] = "Contactor notice" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        using (var deleted = await writer.DeleteAsync($"/api/letters/{ids[2]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await Target.ExecuteAsync(database, $"UPDATE letters SET document_name = 'Breaker-{ids[3]}.pdf', extraction_confidence = 0.25, processing_time_ms = 7 WHERE id = {ids[3]}");
        await Target.ExecuteAsync(database, $"UPDATE letters SET created_at = '2020-01-02 03:04:05', source_file_path = 'archive/old.pdf' WHERE id = {ids[4]}");

        Assert.Equal(await Target.ScalarAsync<string>(database, Derived), await Target.ScalarAsync<string>(database, Kept));
        Assert.Equal(7, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM letter_search"));
        var client = api.CreateClient();
        Assert.Equal([ids[1]], Ids(await GetJsonAsync(client, "/api/letters?search=CONTACTOR&status=failed")));
        Assert.Empty(Ids(await GetJsonAsync(client, "/api/letters?search=contactor&status=processed")));
        Assert.Equal([ids[3]], Ids(await GetJsonAsync(client, "/api/letters?search=breaker&max_confidence=0.3")));
        Assert.Equal([ids[4]], Ids(await GetJsonAsync(client, "/api/letters?search=archive/&created_to=2021-01-01T00:00:00")));
        Assert.Equal(7, (await GetJsonAsync(client, "/api/letters?search=relay-")).GetProperty("total").GetInt32());
        // Sorted on the search rows: the renamed letter first by name, the edited time first by processing time.
        Assert.Equal(ids[3], Ids(await GetJsonAsync(client, "/api/letters?search=relay-&sort_by=document_name&sort_order=asc"))[0]);
        Assert.Equal(ids[3], Ids(await GetJsonAsync(client, "/api/letters?search=relay-&sort_by=processing_time_ms&sort_order=asc&limit=1"))[0]);
    }

    [Fact]
    public async Task Tells_in_Server_Timing_the_way_each_search_went_and_whether_an_earlier_search_taught_it()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var api = LettersApiFactory.For(database);
        using var writer = api.CreateWriter();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StoreAsync(writer, Letter($"Relay-{i}.pdf"))));
        var client = api.CreateClient();

        // Without any condition there is no way to choose, so none to remember.
        Assert.Equal("search;desc=\"walk, count\"", await WayAsync(client, "/api/letters"));
        Assert.Equal("search;desc=\"walk, count\"", await WayAsync(client, "/api/letters"));
        var first = await WayAsync(client, "/api/letters?search=relay-&sort_by=document_name&sort_order=asc");
        Assert.Matches("^search;desc=\"(walk|walk, count|collect)\"$", first);
        Assert.Equal(first[..^1] + " (remembered)\"", await WayAsync(client, "/api/letters?search=relay-&sort_by=document_name&sort_order=asc"));
    }

    private static async Task<string> WayAsync(HttpClient client, string uri)
    {
        using var response = await client.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Server-Timing"));
    }

    [Fact]
    public async Task A_bulk_load_session_skips_it_and_the_refresh_rebuilds_it()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await Target.ExecuteAsync(database, """
            SELECT set_config('seletters.bulk_load', 'on', false);
            INSERT INTO letters (id, document_name, source_file_path, processing_time_ms, status, extraction_confidence, created_at)
            VALUES (1, 'A.pdf', 'in/a.pdf', 12.5, 'pending', 0.5, '2024-05-06 07:08:09'), (2, 'b.pdf', 'in/b.pdf', NULL, NULL, NULL, NULL);
            """);
        Assert.Equal("", await Target.ScalarAsync<string>(database, Kept));

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await BulkLoad.RefreshAsync(connection);
        }

        Assert.Equal("1:a.pdf\n\nin/a.pdf:A.pdf:12.5:0.5:2024-05-06 07:08:09:pending|2:b.pdf\n\nin/b.pdf:b.pdf:-:-:-:-", await Target.ScalarAsync<string>(database, Kept));
    }
}
