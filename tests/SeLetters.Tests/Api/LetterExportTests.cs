using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using MiniExcelLibs;
using Npgsql;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

/// <summary>GET /api/letters/export: every matching letter, in the search's order, in each format, exactly.</summary>
public sealed class LetterExportTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private static readonly string[] Columns =
    [
        "id", "document_name", "document_title", "document_type", "status", "extraction_confidence", "processing_time_ms",
        "created_at", "updated_at", "file_hash", "source_file_path", "product_count", "product_identifiers",
    ];

    // The exported columns straight from the tables, as text, written independently of the export's query.
    private const string ExpectedSql = """
        SELECT l.id::text, l.document_name, l.document_title, l.document_type, l.status, l.extraction_confidence, l.processing_time_ms,
               l.created_at, l.updated_at, l.file_hash, l.source_file_path,
               (SELECT count(*) FROM letter_products p WHERE p.letter_id = l.id)::text,
               coalesce((SELECT string_agg(coalesce(p.product_identifier, ''), '; ' ORDER BY p.id) FROM letter_products p WHERE p.letter_id = l.id), '')
        FROM letters l ORDER BY l.id
        """;

    private const int XlsxCellLimit = 32_767;
    private string _database = "";
    private LettersApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        _api = LettersApiFactory.For(_database);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData("csv", "text/csv")]
    [InlineData("ndjson", "application/x-ndjson")]
    [InlineData("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    public async Task Every_letter_comes_out_exactly_as_stored_in_every_column(string format, string contentType)
    {
        await StoreAwkwardLettersAsync();

        using var response = await _api.CreateClient().GetAsync($"/api/letters/export?format={format}&sort_by=id&sort_order=asc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.EndsWith($".{format}", response.Content.Headers.ContentDisposition.FileName!.Trim('"'), StringComparison.Ordinal);
        var body = await response.Content.ReadAsByteArrayAsync();
        var expected = (await ExpectedRowsAsync()).Select(row => ExpectedIn(format, row)).ToList();
        var actual = Parse(format, body);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public async Task The_xlsx_file_is_valid_open_xml()
    {
        await StoreAwkwardLettersAsync();

        var body = await _api.CreateClient().GetByteArrayAsync("/api/letters/export?format=xlsx");

        using var document = SpreadsheetDocument.Open(new MemoryStream(body), isEditable: false);
        Assert.Empty(new OpenXmlValidator().Validate(document).Select(error => $"{error.Path?.XPath}: {error.Description}"));
        Assert.Equal("Letters", document.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single().Name!.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("search=relay")]
    [InlineData("search=RELAY&status=failed&sort_by=document_name&sort_order=asc")]
    [InlineData("min_confidence=0.3&max_confidence=0.7&sort_by=extraction_confidence")]
    [InlineData("product=tesys&sort_by=processing_time_ms&sort_order=asc")]
    [InlineData("product=lc1d&search=relay-1&sort_by=status")]
    [InlineData("created_from=2020-01-01&created_to=2020-12-31&sort_by=created_at&sort_order=asc")]
    [InlineData("search=nothing-matches-this")]
    public async Task The_rows_are_the_searchs_matches_in_its_order(string query)
    {
        using var writer = _api.CreateWriter();
        var statuses = new[] { "processed", "failed", "pending" };
        for (var i = 0; i < 30; i++)
        {
            var letter = Letter(i % 4 == 0 ? $"Breaker-{i}.pdf" : $"Relay-{i}.pdf");
            letter["status"] = statuses[i % 3];
            letter["extraction_confidence"] = i % 10 / 10.0;
            letter["processing_time_ms"] = (i * 37) % 11;
            if (i % 5 == 0)
            {
                letter["products"]![0]!["range_label"] = "Other range";
                letter["products"]![0]!["product_identifier"] = $"XB{i}";
            }

            await StoreAsync(writer, letter);
        }

        await Target.ExecuteAsync(_database, "UPDATE letters SET created_at = '2020-06-01'::timestamp + id * interval '1 hour' WHERE id % 3 = 0");
        var client = _api.CreateClient();
        var separator = query.Length > 0 ? "&" : "";
        var searched = new List<int>();
        for (var page = 1; ; page++)
        {
            var result = await GetJsonAsync(client, $"/api/letters?{query}{separator}limit=7&page={page}");
            searched.AddRange(Ids(result));
            if (page >= result.GetProperty("total_pages").GetInt32())
            {
                Assert.Equal(result.GetProperty("total").GetInt32(), searched.Count);
                break;
            }
        }

        foreach (var format in new[] { "csv", "ndjson", "xlsx" })
        {
            var body = await client.GetByteArrayAsync($"/api/letters/export?{query}{separator}format={format}");
            Assert.Equal(searched, Parse(format, body).Select(row => int.Parse(row[0]!, CultureInfo.InvariantCulture)));
        }
    }

    [Theory]
    [InlineData("format=pdf", "format")]
    [InlineData("", "format")]
    [InlineData("format=CSV", "format")]
    [InlineData("format=csv&page=1", "page")]
    [InlineData("format=csv&limit=10", "limit")]
    [InlineData("format=csv&sort_by=file_hash", "sort_by")]
    [InlineData("format=csv&min_confidence=0.9&max_confidence=0.1", "min_confidence")]
    [InlineData("format=csv&created_from=yesterday", null)]
    public async Task A_bad_request_is_a_400_problem_naming_the_parameter(string query, string? field)
    {
        using var response = await _api.CreateClient().GetAsync($"/api/letters/export?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        if (field is not null)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task An_xlsx_export_over_its_row_limit_is_refused_with_a_problem_saying_so_and_other_formats_are_not()
    {
        await using var limited = LettersApiFactory.For(_database, ("Export:XlsxMaxLetters", "8"));
        using var writer = limited.CreateWriter();
        for (var i = 0; i < 9; i++)
        {
            await StoreAsync(writer, Letter(i < 8 ? $"kept-{i}.pdf" : "extra.pdf"));
        }

        var client = limited.CreateClient();
        using var refused = await client.GetAsync("/api/letters/export?format=xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(refused.Content.Headers.ContentDisposition);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("at most 8 letters", problem.GetProperty("errors").GetProperty("format")[0].GetString(), StringComparison.Ordinal);

        Assert.Equal(8, Parse("xlsx", await client.GetByteArrayAsync("/api/letters/export?format=xlsx&search=kept-")).Count);
        Assert.Equal(9, Parse("csv", await client.GetByteArrayAsync("/api/letters/export?format=csv")).Count);
    }

    /// <summary>Letters with every awkward value a column can hold: NULLs, formulas, quotes and line breaks, non-BMP and control characters, text longer than an Excel cell, NaN and infinities.</summary>
    private async Task StoreAwkwardLettersAsync()
    {
        using var writer = _api.CreateWriter();
        await StoreAsync(writer, Letter("plain.pdf"));
        var awkward = Letter("=HYPERLINK(\"http://x\"),\"quoted\".pdf");
        awkward["document_title"] = "Line one\r\nline two, with \"quotes\"; 😀 \u0001\u001f end";
        awkward["document_type"] = "+type";
        awkward["status"] = "-1";
        awkward["source_file_path"] = "@share/\tpath";
        awkward["extraction_confidence"] = 0.1;
        awkward["processing_time_ms"] = 3.4028235e38;
        awkward["products"] = new JsonArray(
            new JsonObject { ["product_identifier"] = "P-1" },
            new JsonObject { ["range_label"] = "no identifier" },
            new JsonObject { ["product_identifier"] = "_x0041_ 😀" });
        await StoreAsync(writer, awkward);
        var empty = new JsonObject { ["document_name"] = "nulls.pdf", ["source_file_path"] = "nulls.pdf", ["status"] = null };
        await StoreAsync(writer, empty);
        // Longer than an Excel cell, with a surrogate pair across the cut.
        var overlong = Letter("overlong.pdf");
        overlong["document_title"] = new string('n', XlsxCellLimit - 1) + "😀" + new string('m', 100);
        await StoreAsync(writer, overlong);
        await Target.ExecuteAsync(_database, """
            INSERT INTO letters (document_name, source_file_path, extraction_confidence, processing_time_ms, created_at, updated_at, status)
            VALUES ('nan.pdf', 'in/nan.pdf', 'NaN', 'Infinity', '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05', NULL),
                   ('neg.pdf', 'in/neg.pdf', '-Infinity', -0.5, NULL, NULL, '')
            """);
    }

    private async Task<List<object?[]>> ExpectedRowsAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(ExpectedSql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A row as the format writes it, every value as text: what <see cref="Parse"/> reads back.</summary>
    private static string?[] ExpectedIn(string format, object?[] row) => row.Select((value, column) => value switch
    {
        null => format == "csv" ? "" : null,
        // The cell holds the number as written, read back as a double.
        float number when format == "xlsx" && float.IsFinite(number) => double.Parse(number.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        float number => number.ToString(CultureInfo.InvariantCulture),
        // Excel keeps time to the millisecond.
        DateTime time when format == "xlsx" => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMillisecond)).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        string text when format == "csv" && column != 0 && text is ['=' or '+' or '-' or '@' or '\t' or '\r', ..] => "'" + text,
        string text when format == "xlsx" && text.Length > XlsxCellLimit => text[..(char.IsHighSurrogate(text[XlsxCellLimit - 1]) ? XlsxCellLimit - 1 : XlsxCellLimit)],
        // A cell holds no empty text: it is an empty cell.
        "" when format == "xlsx" => null,
        // XML reads every line break as a line feed.
        string text when format == "xlsx" => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'),
        string text => text,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    }).ToArray();

    /// <summary>The data rows of an export, every value as text, after checking its header.</summary>
    private static List<string?[]> Parse(string format, byte[] body)
    {
        var rows = new List<string?[]>();
        switch (format)
        {
            case "csv":
                using (var csv = CsvReader.Create(body))
                {
                    Assert.Equal(Columns, csv.Headers);
                    while (csv.Read())
                    {
                        rows.Add(Enumerable.Range(0, csv.FieldCount).Select(i => (string?)csv.GetString(i)).ToArray());
                    }
                }

                break;
            case "ndjson":
                var text = System.Text.Encoding.UTF8.GetString(body);
                Assert.True(text.Length == 0 || text.EndsWith('\n'));
                foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var json = JsonDocument.Parse(line).RootElement;
                    Assert.Equal(Columns, json.EnumerateObject().Select(p => p.Name));
                    rows.Add(json.EnumerateObject().Select(p => p.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => p.Value.GetString(),
                        _ => p.Value.GetRawText(),
                    }).ToArray());
                }

                break;
            case "xlsx":
                using (var stream = new MemoryStream(body))
                {
                    var sheet = stream.Query(useHeaderRow: true, sheetName: "Letters").Cast<IDictionary<string, object?>>().ToList();
                    foreach (var cells in sheet)
                    {
                        Assert.Equal(Columns, cells.Keys);
                        rows.Add(cells.Values.Select(value => value switch
                        {
                            null => null,
                            DateTime time => time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
                            double number => number.ToString(CultureInfo.InvariantCulture),
                            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                        }).ToArray());
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }

        return rows;
    }
}
