using System.Net;
using System.Text.Json;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

/// <summary>
/// Every stored letter can be read, whatever wrote it: letters holding what the import keeps (NaN and ±Infinity in
/// reals, text whose NUL characters were removed, invalid JSON as a jsonb string) or what PostgreSQL alone accepts
/// (jsonb nested 10,000 deep), inserted by SQL as the import writes them, through every read endpoint.
/// </summary>
public sealed class StoredLetterReadTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private string _database = "";
    private LettersApiFactory _api = null!;
    private HttpClient _reader = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        _api = LettersApiFactory.For(_database);
        _reader = _api.CreateClient();
        await Target.ExecuteAsync(_database, $$"""
            INSERT INTO letters (id, document_name, source_file_path, file_hash, extraction_confidence, processing_time_ms, raw_grok_json, validation_details_json)
            VALUES (1, 'nan.pdf', '/in/nan.pdf', 'hash-nan', 'NaN', 'NaN', '"{\"truncated"'::jsonb, NULL),
                   (2, 'infinity.pdf', '/in/infinity.pdf', 'hash-infinity', 'Infinity', 'Infinity', NULL, '[1e400, -0.0]'),
                   (3, 'minus-infinity.pdf', '/in/minus.pdf', 'hash-minus', '-Infinity', '-Infinity', NULL, NULL),
                   (4, 'nulstripped.pdf', '/in/nul.pdf', 'hash-nul', 0.5, 1, '{"text": "abc"}', NULL),
                   (5, 'deep.pdf', '/in/deep.pdf', 'hash-deep', 0.5, 1, '{{HostileRequestTests.Nested(10_000)}}', NULL);
            INSERT INTO letter_products (id, letter_id, product_identifier, confidence_score) VALUES (1, 1, 'P-1', 'NaN'), (2, 2, 'P-2', '-Infinity');
            INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence, technical_match_score)
            VALUES (1, 1, 'LC1D09M7', 'NaN', 'Infinity'), (2, 2, 'X', '-Infinity', 'NaN');
            INSERT INTO processing_debug (letter_id, processing_step, step_duration_ms) VALUES (1, 'ocr', 'NaN'), (2, 'ocr', '-Infinity');
            """);
    }

    [Theory]
    [InlineData(1, "NaN")]
    [InlineData(2, "Infinity")]
    [InlineData(3, "-Infinity")]
    public async Task A_letter_with_non_finite_reals_reads_with_them_as_named_literals(int id, string literal)
    {
        foreach (var uri in new[] { $"/api/letters/{id}", $"/api/letters/by-hash/{Hash(id)}" })
        {
            var letter = await GetJsonAsync(_reader, uri);

            Assert.Equal(literal, letter.GetProperty("extraction_confidence").GetString());
            Assert.Equal(literal, letter.GetProperty("processing_time_ms").GetString());
        }
    }

    [Fact]
    public async Task Products_matches_and_steps_with_non_finite_reals_read_too()
    {
        var letter = await GetJsonAsync(_reader, "/api/letters/2");

        var product = letter.GetProperty("products")[0];
        Assert.Equal("-Infinity", product.GetProperty("confidence_score").GetString());
        Assert.Equal("-Infinity", product.GetProperty("matches")[0].GetProperty("match_confidence").GetString());
        Assert.Equal("NaN", product.GetProperty("matches")[0].GetProperty("technical_match_score").GetString());
        Assert.Equal("-Infinity", letter.GetProperty("processing_debug")[0].GetProperty("step_duration_ms").GetString());
        // A jsonb number beyond double comes back as the number PostgreSQL holds.
        Assert.StartsWith("1000000000", letter.GetProperty("validation_details_json")[0].GetRawText());
    }

    [Fact]
    public async Task Invalid_json_kept_as_a_jsonb_string_reads_as_that_string()
    {
        var letter = await GetJsonAsync(_reader, "/api/letters/1");

        Assert.Equal("{\"truncated", letter.GetProperty("raw_grok_json").GetString());
    }

    [Fact]
    public async Task A_jsonb_document_nested_10000_deep_reads_back_whole()
    {
        var text = await _reader.GetStringAsync("/api/letters/5");

        var letter = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 20_000 }).RootElement;
        Assert.Equal(HostileRequestTests.Nested(10_000), letter.GetProperty("raw_grok_json").GetRawText());
    }

    [Theory]
    [InlineData("id")]
    [InlineData("created_at")]
    [InlineData("document_name")]
    [InlineData("extraction_confidence")]
    [InlineData("processing_time_ms")]
    [InlineData("status")]
    public async Task Every_search_order_reads_the_letters_with_non_finite_reals(string sortBy)
    {
        foreach (var order in new[] { "asc", "desc" })
        {
            var page = await GetJsonAsync(_reader, $"/api/letters?sort_by={sortBy}&sort_order={order}&limit=100");

            Assert.Equal(5, page.GetProperty("total").GetInt32());
            var confidences = page.GetProperty("data").EnumerateArray().ToDictionary(
                l => l.GetProperty("id").GetInt32(), l => l.GetProperty("extraction_confidence").ToString());
            Assert.Equal(["NaN", "Infinity", "-Infinity", "0.5", "0.5"], [.. confidences.OrderBy(c => c.Key).Select(c => c.Value)]);
        }

        Assert.Equal(5, (await GetJsonAsync(_reader, "/api/letters?search=pdf")).GetProperty("total").GetInt32());
        Assert.Equal(2, (await GetJsonAsync(_reader, "/api/letters?product=P-")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Statistics_leave_non_finite_reals_out_of_averages_and_histogram()
    {
        var statistics = await GetJsonAsync(_reader, "/api/letters/statistics");

        Assert.Equal(5, statistics.GetProperty("total_letters").GetInt32());
        Assert.Equal(0.5, statistics.GetProperty("avg_confidence").GetDouble());
        Assert.Equal(1, statistics.GetProperty("avg_processing_time").GetDouble());
        Assert.Equal(2, statistics.GetProperty("confidence_histogram").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task The_openapi_document_shows_reals_as_numbers_or_the_named_literals()
    {
        var document = await GetJsonAsync(_reader, "/openapi/v1.json");

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var confidence = schemas.GetProperty("LetterDocument").GetProperty("properties").GetProperty("extraction_confidence").GetRawText();
        Assert.Contains("NaN", confidence);
        Assert.Contains("-Infinity", confidence);
        var name = schemas.GetProperty("LetterDocument").GetProperty("properties").GetProperty("document_name");
        Assert.Equal(500, name.GetProperty("maxLength").GetInt32());
    }

    private static string Hash(int id) => id switch { 1 => "hash-nan", 2 => "hash-infinity", _ => "hash-minus" };

    public async Task DisposeAsync()
    {
        _reader.Dispose();
        await _api.DisposeAsync();
        Target.ClearPool(_database);
    }
}
