using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;
using static SeLetters.Tests.Api.LettersApiTests;

namespace SeLetters.Tests.Api;

/// <summary>
/// The hostile requests of issue 14 (12 of its 38 answered 500) and those the fuzz test found, each by name: every one
/// is a 400 problem naming the field it breaks, and changes nothing in the database.
/// </summary>
public sealed class HostileRequestTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private const string TenKilobytes = "10 KB";

    private string _database = "";
    private LettersApiFactory _api = null!;
    private HttpClient _writer = null!;
    private int _id;

    /// <summary>Each request: method, address (<c>{id}</c> is a stored letter), JSON body, and the field the problem names.</summary>
    private static readonly Dictionary<string, (HttpMethod Method, string Uri, Func<string?> Body, string Field)> Requests = new()
    {
        ["page_past_int_offset"] = (HttpMethod.Get, "/api/letters?page=2147483647", NoBody, "page"),
        ["page_past_the_maximum"] = (HttpMethod.Get, "/api/letters?page=10001", NoBody, "page"),
        ["status_filter_with_nul"] = (HttpMethod.Get, "/api/letters?status=a%00b", NoBody, "status"),
        ["status_filter_10_kb"] = (HttpMethod.Get, "/api/letters?status=" + RandomText(10_000), NoBody, "status"),
        ["search_10_kb"] = (HttpMethod.Get, "/api/letters?search=" + RandomText(10_000), NoBody, "search"),
        ["product_10_kb"] = (HttpMethod.Get, "/api/letters?product=" + RandomText(10_000), NoBody, "product"),
        ["min_confidence_nan"] = (HttpMethod.Get, "/api/letters?min_confidence=NaN", NoBody, "min_confidence"),
        ["max_confidence_overflowing_to_infinity"] = (HttpMethod.Get, "/api/letters?max_confidence=1e39", NoBody, "max_confidence"),
        ["by_hash_10_kb"] = (HttpMethod.Get, "/api/letters/by-hash/" + RandomText(10_000), NoBody, "file_hash"),
        ["confidence_1e400"] = (HttpMethod.Post, "/api/letters", Json(l => l["extraction_confidence"] = JsonNode.Parse("1e400")), "extraction_confidence"),
        ["confidence_nan_literal"] = (HttpMethod.Post, "/api/letters", Json(l => l["extraction_confidence"] = "NaN"), "extraction_confidence"),
        ["processing_time_minus_infinity"] = (HttpMethod.Post, "/api/letters", Json(l => l["processing_time_ms"] = "-Infinity"), "processing_time_ms"),
        ["match_score_infinity"] = (HttpMethod.Post, "/api/letters", Json(l => Match(l)["technical_match_score"] = JsonNode.Parse("-1e400")),
            "products[0].matches[0].technical_match_score"),
        ["title_with_nul"] = (HttpMethod.Post, "/api/letters", Json(l => l["document_title"] = "a\0b"), "document_title"),
        ["json_with_nul"] = (HttpMethod.Post, "/api/letters", Json(l => l["raw_grok_json"] = new JsonObject { ["bad"] = "\0" }), "raw_grok_json"),
        ["json_key_with_nul"] = (HttpMethod.Post, "/api/letters", Json(l => l["validation_details_json"] = new JsonObject { ["a\0"] = 1 }), "validation_details_json"),
        ["json_number_1e400"] = (HttpMethod.Post, "/api/letters", Json(l => l["ocr_supplementary_json"] = JsonNode.Parse("[1e400]")), "ocr_supplementary_json"),
        ["json_65_deep"] = (HttpMethod.Post, "/api/letters", () => Letter().ToJsonString().Replace("\"just a string\"", Nested(65), StringComparison.Ordinal),
            "processing_steps_json"),
        ["product_with_nul"] = (HttpMethod.Post, "/api/letters", Json(l => Product(l)["range_label"] = "Te\0Sys"), "products[0].range_label"),
        ["debug_step_with_nul"] = (HttpMethod.Post, "/api/letters", Json(l => Step(l)["processing_step"] = "o\0cr"), "processing_debug[0].processing_step"),
        ["document_name_" + TenKilobytes] = (HttpMethod.Post, "/api/letters", Json(l => l["document_name"] = RandomText(10_000)), "document_name"),
        ["file_hash_" + TenKilobytes] = (HttpMethod.Post, "/api/letters", Json(l => l["file_hash"] = RandomText(10_000)), "file_hash"),
        ["product_identifier_" + TenKilobytes] = (HttpMethod.Post, "/api/letters", Json(l => Product(l)["product_identifier"] = RandomText(10_000)),
            "products[0].product_identifier"),
        ["match_identifier_" + TenKilobytes] = (HttpMethod.Post, "/api/letters", Json(l => Match(l)["ibcatalogue_product_identifier"] = RandomText(10_000)),
            "products[0].matches[0].ibcatalogue_product_identifier"),
        ["debug_step_" + TenKilobytes] = (HttpMethod.Post, "/api/letters", Json(l => Step(l)["processing_step"] = RandomText(10_000)),
            "processing_debug[0].processing_step"),
        ["lone_surrogate_in_name"] = (HttpMethod.Post, "/api/letters", () => Letter().ToJsonString().Replace("test.pdf", "\\ud800", StringComparison.Ordinal),
            "document_name"),
        ["lone_surrogate_in_json"] = (HttpMethod.Post, "/api/letters", () => Letter().ToJsonString().Replace("just a string", "\\udc00", StringComparison.Ordinal),
            "processing_steps_json"),
        ["negative_file_size"] = (HttpMethod.Post, "/api/letters", Json(l => l["file_size"] = -1), "file_size"),
        ["confidence_above_one"] = (HttpMethod.Post, "/api/letters", Json(l => Match(l)["match_confidence"] = 1.5), "products[0].matches[0].match_confidence"),
        ["patch_status_100_kb"] = (HttpMethod.Patch, "/api/letters/{id}", () => JsonSerializer.Serialize(new { status = RandomText(100_000) }), "status"),
        ["patch_status_with_nul"] = (HttpMethod.Patch, "/api/letters/{id}", () => JsonSerializer.Serialize(new { status = "re\0viewed" }), "status"),
        ["patch_title_with_nul"] = (HttpMethod.Patch, "/api/letters/{id}", () => JsonSerializer.Serialize(new { document_title = "\0" }), "document_title"),
        ["put_title_with_nul"] = (HttpMethod.Put, "/api/letters/{id}", Json(l => l["document_title"] = "a\0b"), "document_title"),
        ["document_name_twice"] = (HttpMethod.Post, "/api/letters", Twice("document_name", "\"other.pdf\""), "document_name"),
        ["range_label_twice"] = (HttpMethod.Post, "/api/letters", Twice("range_label", "\"Zelio\""), "products[0].range_label"),
        ["put_file_hash_twice"] = (HttpMethod.Put, "/api/letters/{id}", Twice("file_hash", "\"another-hash\""), "file_hash"),
        ["patch_status_twice"] = (HttpMethod.Patch, "/api/letters/{id}", () => """{"status":"reviewed","status":"rejected"}""", "status"),
    };

    public static TheoryData<string> Names => [.. Requests.Keys];

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        _api = LettersApiFactory.For(_database);
        _writer = _api.CreateWriter();
        _id = await StoreAsync(_writer, Letter());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_request_is_a_400_naming_its_field_and_changes_nothing(string name)
    {
        var (method, uri, body, field) = Requests[name];
        var before = await LettersDatabase.FingerprintAsync(_database);
        using var request = new HttpRequestMessage(method, uri.Replace("{id}", _id.ToString(), StringComparison.Ordinal));
        if (body() is { } json)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _writer.SendAsync(request);

        // A value that is not even of the field's JSON type (a string with an unpaired surrogate) is named by its JSON path.
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _)
            : problem.GetProperty("detail").GetString()!.Contains($"$.{field}", StringComparison.Ordinal), $"{name}: {problem}");
        Assert.Equal(before, await LettersDatabase.FingerprintAsync(_database));
    }

    [Fact]
    public async Task A_body_nested_100000_deep_is_a_400_and_the_api_stays_up()
    {
        var letter = Letter().ToJsonString();
        var deep = letter.Replace("\"just a string\"", Nested(100_000), StringComparison.Ordinal);

        using var response = await _writer.PostAsync("/api/letters", new StringContent(deep, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(await LettersDatabase.LetterIdsAsync(_database));
        Assert.Equal(HttpStatusCode.OK, (await _writer.GetAsync($"/api/letters/{_id}")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_type_is_a_400_whose_detail_names_the_field()
    {
        var letter = Letter();
        letter["file_size"] = "big";

        using var response = await _writer.PostAsJsonAsync("/api/letters", letter);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("$.file_size", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_key_repeated_inside_a_stored_json_document_is_stored_as_jsonb_takes_it_the_last_one_kept()
    {
        var body = Letter().ToJsonString().Replace("\"nested\":{\"n\":1}", "\"nested\":{\"n\":1,\"n\":2}", StringComparison.Ordinal);

        using var response = await _writer.PostAsync("/api/letters", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var stored = await GetJsonAsync(_writer, $"/api/letters/{id}");
        Assert.Equal(2, stored.GetProperty("raw_grok_json").GetProperty("nested").GetProperty("n").GetInt32());
    }

    private static string? NoBody() => null;

    /// <summary>The sample letter with <paramref name="field"/> given twice: first <paramref name="value"/>, then its own.</summary>
    private static Func<string?> Twice(string field, string value) => () =>
    {
        var letter = Letter().ToJsonString();
        var at = letter.IndexOf($"\"{field}\":", StringComparison.Ordinal);
        return letter.Insert(at, $"\"{field}\":{value},");
    };

    private static Func<string?> Json(Action<JsonObject> change) => () =>
    {
        var letter = Letter();
        change(letter);
        return letter.ToJsonString();
    };

    private static JsonObject Product(JsonObject letter) => letter["products"]![0]!.AsObject();

    private static JsonObject Match(JsonObject letter) => Product(letter)["matches"]![0]!.AsObject();

    private static JsonObject Step(JsonObject letter) => letter["processing_debug"]![0]!.AsObject();

    /// <summary>Arrays nested <paramref name="depth"/> deep.</summary>
    internal static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>Random letters and digits, as incompressible as text gets: PostgreSQL cannot shrink it into an index row.</summary>
    internal static string RandomText(int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => (char)Random.Shared.Next('a', 'z' + 1)));

    public async Task DisposeAsync()
    {
        _writer.Dispose();
        await _api.DisposeAsync();
    }
}
