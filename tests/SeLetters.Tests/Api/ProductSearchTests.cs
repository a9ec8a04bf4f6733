using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

/// <summary>letter_product_search, what ?product= matches, against its definition recomputed from letter_products and letters.</summary>
public sealed class ProductSearchTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    internal const string Kept = """
        SELECT coalesce(string_agg(letter_id || ':' || search_text || ':' || letter_text, '|' ORDER BY letter_id), '') FROM letter_product_search
        """;

    internal const string Recomputed = """
        SELECT coalesce(string_agg(letter_id || ':' || text || ':' || l.search_text, '|' ORDER BY letter_id), '')
        FROM (SELECT letter_id, string_agg(lower(coalesce(product_identifier, '') || E'\n' || coalesce(range_label, '')), E'\n' ORDER BY id) AS text
              FROM letter_products GROUP BY letter_id) p
        JOIN letters l ON l.id = p.letter_id
        """;

    private string _database = "";
    private LettersApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        _api = LettersApiFactory.For(_database);
    }

    [Fact]
    public async Task Stays_equal_to_the_products_through_stores_deletes_and_direct_product_edits()
    {
        using var writer = _api.CreateWriter();
        var ids = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
        {
            var letter = Letter($"p-{i}.pdf");
            letter["products"]!.AsArray().Add(new JsonObject { ["product_identifier"] = $"ÄBC-{i}", ["range_label"] = null });
            return StoreAsync(writer, letter);
        }));
        using (var deleted = await writer.DeleteAsync($"/api/letters/{ids[0]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await Target.ExecuteAsync(_database, $"DELETE FROM letter_products WHERE id = (SELECT min(id) FROM letter_products WHERE letter_id = {ids[1]})");
        await Target.ExecuteAsync(_database, $"DELETE FROM letter_products WHERE letter_id = {ids[2]}");
        await Target.ExecuteAsync(_database, $"UPDATE letter_products SET range_label = 'Sepam', letter_id = {ids[4]} WHERE letter_id = {ids[3]}");
        // The letter's own text, which a term is matched against, changed through the API and directly.
        using (var patched = await writer.PatchAsJsonAsync($"/api/letters/{ids[4]}", new JsonObject { ["document_title"] = "Relay retirement notice" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        await Target.ExecuteAsync(_database, $"UPDATE letters SET document_name = 'Renamed-{ids[5]}.pdf' WHERE id = {ids[5]}");
        // One transaction: the letter's row is written once, at commit, with the edit made in between.
        await Target.ExecuteAsync(_database, $"""
            INSERT INTO letter_products (letter_id, product_identifier) VALUES ({ids[6]}, 'Q-1');
            UPDATE letter_products SET range_label = 'Quartz' WHERE letter_id = {ids[6]} AND product_identifier = 'Q-1';
            INSERT INTO letter_products (letter_id, product_identifier, range_label) VALUES ({ids[6]}, 'Q-2', 'Onyx');
            """);

        var kept = await Target.ScalarAsync<string>(_database, Kept);
        Assert.Equal(await Target.ScalarAsync<string>(_database, Recomputed), kept);
        Assert.Contains("äbc-5", kept);
        Assert.Contains($"renamed-{ids[5]}.pdf", kept);
        Assert.Contains("q-1\nquartz\nq-2\nonyx", kept);
        Assert.Equal(0, await Target.ScalarAsync<int>(_database, $"SELECT count(*) FROM letter_product_search WHERE letter_id = {ids[2]}"));
        var client = _api.CreateClient();
        Assert.Equal([ids[4]], Ids(await GetJsonAsync(client, "/api/letters?product=SEPAM")));
        Assert.Equal([ids[4]], Ids(await GetJsonAsync(client, "/api/letters?product=SEPAM&search=retirement")));
        Assert.Empty(Ids(await GetJsonAsync(client, "/api/letters?product=SEPAM&search=p-6.pdf")));
        Assert.Equal([ids[5]], Ids(await GetJsonAsync(client, "/api/letters?product=BC-5&search=RENAMED")));
    }

    [Fact]
    public async Task A_bulk_load_session_skips_it_and_the_refresh_rebuilds_it()
    {
        await Target.ExecuteAsync(_database, """
            SELECT set_config('seletters.bulk_load', 'on', false);
            INSERT INTO letters (id, document_name, source_file_path) VALUES (1, 'a.pdf', 'in/a.pdf'), (2, 'b.pdf', 'in/b.pdf');
            INSERT INTO letter_products (letter_id, product_identifier, range_label) VALUES (1, 'X1', 'TeSys D'), (1, 'X2', NULL), (2, 'Y', 'PIX');
            """);
        Assert.Equal("", await Target.ScalarAsync<string>(_database, Kept));

        await Target.ExecuteAsync(_database, "SELECT refresh_letter_product_search()");

        Assert.Equal(await Target.ScalarAsync<string>(_database, Recomputed), await Target.ScalarAsync<string>(_database, Kept));
        Assert.Equal("1:x1\ntesys d\nx2\n:a.pdf\n\nin/a.pdf|2:y\npix:b.pdf\n\nin/b.pdf", await Target.ScalarAsync<string>(_database, Kept));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();
}
