using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;
using static SeLetters.Tests.Api.LettersApiTests;

namespace SeLetters.Tests.Api;

/// <summary>ETags, If-Match on PATCH, PUT and DELETE, and PUT's reprocessing of a stored letter.</summary>
public sealed class ConditionalWriteTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private string _database = "";
    private LettersApiFactory _api = null!;
    private HttpClient _writer = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        _api = LettersApiFactory.For(_database);
        _writer = _api.CreateWriter();
    }

    [Fact]
    public async Task Get_by_id_and_by_hash_answer_the_same_etag_and_every_write_changes_it()
    {
        var id = await StoreAsync(_writer, Letter(fileHash: "etag-hash"));

        var first = await ETagAsync($"/api/letters/{id}");
        Assert.False(first.IsWeak);
        Assert.Equal(first, await ETagAsync("/api/letters/by-hash/etag-hash"));
        Assert.Equal(first, await ETagAsync($"/api/letters/{id}"));

        using var patched = await _writer.PatchAsJsonAsync($"/api/letters/{id}", new { status = "reviewed" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var second = patched.Headers.ETag!;
        Assert.NotEqual(first, second);
        Assert.Equal(second, await ETagAsync($"/api/letters/{id}"));

        using var replaced = await SendAsync(HttpMethod.Put, id, Letter(fileHash: "etag-hash"), second);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.NotEqual(second, replaced.Headers.ETag);
    }

    [Fact]
    public async Task A_stale_etag_is_412_for_patch_put_and_delete_and_changes_nothing()
    {
        var id = await StoreAsync(_writer, Letter());
        var stale = await ETagAsync($"/api/letters/{id}");
        using (var patched = await SendAsync(HttpMethod.Patch, id, new JsonObject { ["status"] = "reviewed" }, stale))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        var before = await LettersDatabase.FingerprintAsync(_database);
        using var patch = await SendAsync(HttpMethod.Patch, id, new JsonObject { ["status"] = "lost" }, stale);
        using var put = await SendAsync(HttpMethod.Put, id, Letter("lost.pdf"), stale);
        using var delete = await SendAsync(HttpMethod.Delete, id, body: null, stale);

        await AssertProblemAsync(patch, HttpStatusCode.PreconditionFailed);
        await AssertProblemAsync(put, HttpStatusCode.PreconditionFailed);
        await AssertProblemAsync(delete, HttpStatusCode.PreconditionFailed);
        Assert.Equal(before, await LettersDatabase.FingerprintAsync(_database));
    }

    [Fact]
    public async Task If_match_takes_the_current_etag_among_others_and_star_and_refuses_weak_or_malformed_tags()
    {
        var id = await StoreAsync(_writer, Letter());
        var current = await ETagAsync($"/api/letters/{id}");

        using var weak = await SendAsync(HttpMethod.Patch, id, new JsonObject { ["status"] = "x" }, new EntityTagHeaderValue(current.Tag, isWeak: true));
        await AssertProblemAsync(weak, HttpStatusCode.PreconditionFailed);
        using var malformed = new HttpRequestMessage(HttpMethod.Patch, $"/api/letters/{id}") { Content = JsonContent.Create(new { status = "x" }) };
        malformed.Headers.TryAddWithoutValidation("If-Match", "not-a-tag");
        var problem = await AssertProblemAsync(await _writer.SendAsync(malformed), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("If-Match", out _));

        using var listed = new HttpRequestMessage(HttpMethod.Patch, $"/api/letters/{id}") { Content = JsonContent.Create(new { status = "listed" }) };
        listed.Headers.TryAddWithoutValidation("If-Match", $"\"1\", {current.Tag}");
        Assert.Equal(HttpStatusCode.OK, (await _writer.SendAsync(listed)).StatusCode);
        using var star = await SendAsync(HttpMethod.Patch, id, new JsonObject { ["status"] = "star" }, EntityTagHeaderValue.Any);
        Assert.Equal(HttpStatusCode.OK, star.StatusCode);
    }

    [Fact]
    public async Task Of_two_editors_with_the_same_etag_one_wins_and_the_other_gets_412()
    {
        var id = await StoreAsync(_writer, Letter());
        var tag = await ETagAsync($"/api/letters/{id}");
        using var start = new SemaphoreSlim(0);

        var editors = new[] { "alice", "bob" }.Select(editor => Task.Run(async () =>
        {
            using var writer = _api.CreateWriter();
            await start.WaitAsync();
            using var response = await SendAsync(HttpMethod.Patch, id, new JsonObject { ["document_title"] = editor }, tag, writer);
            return (Editor: editor, response.StatusCode);
        })).ToList();
        start.Release(editors.Count);
        var results = await Task.WhenAll(editors);

        var winner = Assert.Single(results, result => result.StatusCode == HttpStatusCode.OK);
        Assert.Single(results, result => result.StatusCode == HttpStatusCode.PreconditionFailed);
        Assert.Equal(winner.Editor, (await GetJsonAsync(_writer, $"/api/letters/{id}")).GetProperty("document_title").GetString());
    }

    /// <summary>
    /// A PATCH or PUT answers the letter as it wrote it, with the version it gave it: read back after its commit, a write
    /// committed in between was answered instead (another title, and that write's ETag). Here the title is written by the
    /// database's own session as fast as it commits, while the API's writes set titles of their own.
    /// </summary>
    [Fact]
    public async Task Each_write_answers_the_letter_as_it_wrote_it_while_another_session_writes_it_too()
    {
        var id = await StoreAsync(_writer, Letter());
        using var writing = new CancellationTokenSource();
        var otherWrites = Target.WriteUntilStoppedAsync(_database, count => $"UPDATE letters SET document_title = 'other-{count}' WHERE id = {id}", writing.Token);

        var answered = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var title = $"mine-{i}";
            using var response = i % 2 == 0
                ? await SendAsync(HttpMethod.Patch, id, new JsonObject { ["document_title"] = title }, ifMatch: null)
                : await SendAsync(HttpMethod.Put, id, WithTitle(Letter(), title), ifMatch: null);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var written = JsonDocument.Parse(body).RootElement.GetProperty("document_title").GetString();
            answered.Add(written == title ? "as written" : $"{title} answered {written}");
        }

        await writing.CancelAsync();
        Assert.True(await otherWrites > 100, "The other session must write while the API writes.");
        Assert.All(answered, answer => Assert.Equal("as written", answer));
    }

    [Fact]
    public async Task Put_replaces_fields_products_matches_and_steps_keeping_id_and_created_at()
    {
        var original = Letter("first-run.pdf", "reprocessed-hash");
        original["status"] = "failed";
        var id = await StoreAsync(_writer, original);
        await ExecuteAsync($"UPDATE letters SET created_at = '2020-01-01 00:00', updated_at = '2020-01-01 00:00' WHERE id = {id}");
        var otherId = await StoreAsync(_writer, Letter("untouched.pdf"));
        var untouched = await GetJsonAsync(_writer, $"/api/letters/{otherId}");

        var reprocessed = new JsonObject
        {
            ["document_name"] = "second-run.pdf",
            ["source_file_path"] = "/test/second-run.pdf",
            ["file_hash"] = "reprocessed-hash",
            ["extraction_confidence"] = 0.5,
            ["products"] = new JsonArray(
                new JsonObject { ["product_identifier"] = "NEW-1", ["matches"] = new JsonArray(new JsonObject { ["ibcatalogue_product_identifier"] = "LC1D09M7", ["match_confidence"] = 0.8 }) },
                new JsonObject { ["product_identifier"] = "NEW-2" }),
            ["processing_debug"] = new JsonArray(new JsonObject { ["processing_step"] = "reprocess" }),
        };
        using var response = await SendAsync(HttpMethod.Put, id, reprocessed, ifMatch: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var letter = await GetJsonAsync(_writer, $"/api/letters/{id}");
        Assert.Equal(id, letter.GetProperty("id").GetInt32());
        Assert.Equal("second-run.pdf", letter.GetProperty("document_name").GetString());
        // Left out: the schema's defaults, as a store writes them.
        Assert.Equal("processed", letter.GetProperty("status").GetString());
        Assert.Equal("production_pipeline", letter.GetProperty("processing_method").GetString());
        Assert.Equal(JsonValueKind.Null, letter.GetProperty("document_title").ValueKind);
        Assert.Equal(JsonValueKind.Null, letter.GetProperty("raw_grok_json").ValueKind);
        Assert.Equal(new DateTime(2020, 1, 1), letter.GetProperty("created_at").GetDateTime());
        Assert.True(letter.GetProperty("updated_at").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(["NEW-1", "NEW-2"], letter.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("product_identifier").GetString()));
        var match = Assert.Single(letter.GetProperty("products")[0].GetProperty("matches").EnumerateArray());
        Assert.Equal("LC1D09M7", match.GetProperty("catalogue_product").GetProperty("product_identifier").GetString());
        Assert.Equal("reprocess", Assert.Single(letter.GetProperty("processing_debug").EnumerateArray()).GetProperty("processing_step").GetString());
        Assert.Equal(3L, await ScalarAsync("SELECT count(*) FROM letter_products"));
        Assert.Equal(3L, await ScalarAsync("SELECT count(*) FROM letter_product_matches"));
        Assert.Equal(untouched.GetRawText(), (await GetJsonAsync(_writer, $"/api/letters/{otherId}")).GetRawText());

        // The new extraction is what searches, by-hash and the statistics see.
        Assert.Equal(id, (await GetJsonAsync(_writer, "/api/letters/by-hash/reprocessed-hash")).GetProperty("id").GetInt32());
        Assert.Equal([id], Ids(await GetJsonAsync(_writer, "/api/letters?search=second-run")));
        Assert.Equal([id], Ids(await GetJsonAsync(_writer, "/api/letters?product=new-2")));
        Assert.Empty(Ids(await GetJsonAsync(_writer, "/api/letters?search=first-run")));
        var statistics = await GetJsonAsync(_writer, "/api/letters/statistics");
        Assert.Equal(0, statistics.GetProperty("failed_count").GetInt32());
        Assert.Equal(3, statistics.GetProperty("total_products").GetInt32());
        Assert.Equal(3, statistics.GetProperty("total_matches").GetInt32());
    }

    [Fact]
    public async Task Put_of_an_absent_letter_is_404_and_of_an_invalid_one_400_and_neither_writes()
    {
        var id = await StoreAsync(_writer, Letter());
        var before = await LettersDatabase.FingerprintAsync(_database);
        var invalid = Letter();
        invalid.Remove("document_name");

        using var absent = await SendAsync(HttpMethod.Put, 424242, Letter(), ifMatch: null);
        using var refused = await SendAsync(HttpMethod.Put, id, invalid, ifMatch: null);
        using var keyless = await _api.CreateClient().PutAsJsonAsync($"/api/letters/{id}", Letter());

        await AssertProblemAsync(absent, HttpStatusCode.NotFound);
        await AssertProblemAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, keyless.StatusCode);
        Assert.Equal(before, await LettersDatabase.FingerprintAsync(_database));
    }

    [Fact]
    public async Task Put_and_the_etag_are_in_the_openapi_document()
    {
        var document = await GetJsonAsync(_writer, "/openapi/v1.json");

        var letter = document.GetProperty("paths").GetProperty("/api/letters/{id}");
        Assert.True(letter.GetProperty("put").TryGetProperty("security", out _));
        Assert.True(letter.GetProperty("put").GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(letter.GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("ETag", out _));
    }

    private async Task<EntityTagHeaderValue> ETagAsync(string uri)
    {
        using var response = await _writer.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, int id, JsonNode? body, EntityTagHeaderValue? ifMatch, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, $"/api/letters/{id}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(ifMatch);
        }

        return await (client ?? _writer).SendAsync(request);
    }

    private Task<long> ScalarAsync(string sql) => Target.ScalarAsync<long>(_database, sql);

    private Task ExecuteAsync(string sql) => Target.ExecuteAsync(_database, sql);

    public async Task DisposeAsync()
    {
        _writer.Dispose();
        await _api.DisposeAsync();
    }

    private static JsonObject WithTitle(JsonObject letter, string title)
    {
        letter["document_title"] = title;
        return letter;
    }
}
