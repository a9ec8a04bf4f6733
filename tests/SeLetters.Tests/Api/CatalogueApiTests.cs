using System.Net;
using System.Security.Cryptography;
using DuckDB.NET.Data;
using System.Text.Json;
using System.Text.Json.Nodes;
using SeLetters.Api.Catalogue;
using SeLetters.SampleData.Catalogue;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;
using static SeLetters.Tests.Api.LettersApiTests;

namespace SeLetters.Tests.Api;

public sealed class CatalogueApiTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    public static TheoryData<string> Layouts => new() { nameof(TestCatalogue.UpperCaseV1), nameof(TestCatalogue.LowerCaseV2) };

    private static string CatalogueFile(string layout) =>
        layout == nameof(TestCatalogue.UpperCaseV1) ? TestCatalogue.UpperCaseV1 : TestCatalogue.LowerCaseV2;

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Reads_a_product_the_same_from_either_column_layout(string layout)
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), ("Catalogue:Path", CatalogueFile(layout)));
        using var client = api.CreateClient();

        var product = await GetJsonAsync(client, "/api/catalogue/products/AAA_RM6_NE_IQI");

        Assert.Equal("AAA_RM6_NE_IQI", product.GetProperty("product_identifier").GetString());
        Assert.Equal("RM6", product.GetProperty("range_label").GetString());
        Assert.Equal("967", product.GetProperty("range_code").GetString());
        Assert.Equal("190789", product.GetProperty("bu_pm0_node").GetString());
        Assert.True(product.GetProperty("is_schneider_brand").GetBoolean());
        Assert.Equal(JsonValueKind.String, product.GetProperty("commercial_status").ValueKind);
        // The generator's row as the file holds it; 4000-12-31 stands for "no end date".
        var written = IbCatalogueGenerator.Generate(TestCatalogue.ProductCount, IbCatalogueGenerator.DefaultSeed)
            .Single(row => row.ProductIdentifier == "AAA_RM6_NE_IQI");
        Assert.Equal(written.ServiceObsolescenceDate.Year < 4000 ? $"{written.ServiceObsolescenceDate:yyyy-MM-dd}" : null,
            product.GetProperty("service_obsolescence_date").GetString());
        Assert.Equal((double?)written.AverageLifeDurationYears,
            product.GetProperty("average_life_duration_years") is { ValueKind: JsonValueKind.Number } years ? years.GetDouble() : null);
    }

    [Fact]
    public async Task Both_layouts_give_identical_products()
    {
        await using var upper = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), ("Catalogue:Path", TestCatalogue.UpperCaseV1));
        await using var lower = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), ("Catalogue:Path", TestCatalogue.LowerCaseV2));

        var fromUpper = (await GetJsonAsync(upper.CreateClient(), "/api/catalogue/products?limit=100&page=2")).GetProperty("data").GetRawText();
        var fromLower = (await GetJsonAsync(lower.CreateClient(), "/api/catalogue/products?limit=100&page=2")).GetProperty("data").GetRawText();

        Assert.Equal(fromUpper, fromLower);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Products_looked_up_by_identifier_equal_the_rows_the_search_reads_from_the_file(string layout)
    {
        // A cache smaller than the page: the second round reads evicted products from the file again.
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(),
            ("Catalogue:Path", CatalogueFile(layout)), ("Catalogue:CachedProducts", "10"));
        using var client = api.CreateClient();
        var page = (await GetJsonAsync(client, "/api/catalogue/products?limit=40&page=4")).GetProperty("data").EnumerateArray().ToList();

        for (var round = 0; round < 2; round++)
        {
            foreach (var product in page)
            {
                var identifier = product.GetProperty("product_identifier").GetString()!;
                var one = await GetJsonAsync(client, "/api/catalogue/products/" + Uri.EscapeDataString(identifier));
                Assert.Equal(product.GetRawText(), one.GetRawText());
            }
        }

        Assert.Equal(40, page.Count);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task A_letter_naming_known_repeated_and_unknown_products_gets_each_known_row_once_looked_up(string layout)
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), ("Catalogue:Path", CatalogueFile(layout)));
        using var client = api.CreateClient();
        string[] named = ["LC1D09M7", "NW16H1", "NOT-IN-CATALOGUE", "LC1D09M7", "lc1d09m7"];
        var letter = Letter();
        letter["products"]![0]!["matches"] = new JsonArray([.. named.Select(identifier =>
            (JsonNode)new JsonObject { ["ibcatalogue_product_identifier"] = identifier, ["match_confidence"] = 0.5 })]);
        var id = await StoreAsync(api.CreateWriter(), letter);

        // Twice: the first read fills the cache, the second is served from it.
        for (var round = 0; round < 2; round++)
        {
            var matches = (await GetJsonAsync(client, $"/api/letters/{id}")).GetProperty("products")[0].GetProperty("matches");
            Assert.Equal(named, matches.EnumerateArray().Select(m => m.GetProperty("ibcatalogue_product_identifier").GetString()));
            foreach (var index in new[] { 0, 1, 3 })
            {
                var expected = await GetJsonAsync(client, "/api/catalogue/products/" + named[index]);
                Assert.Equal(expected.GetRawText(), matches[index].GetProperty("catalogue_product").GetRawText());
            }

            // Identifiers are exact: the catalogue's comparison is case-sensitive, and so is the index.
            Assert.Equal(JsonValueKind.Null, matches[2].GetProperty("catalogue_product").ValueKind);
            Assert.Equal(JsonValueKind.Null, matches[4].GetProperty("catalogue_product").ValueKind);
        }
    }

    [Fact]
    public async Task The_no_end_date_of_a_commercialised_product_is_null()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        using var client = api.CreateClient();

        var page = await GetJsonAsync(client, "/api/catalogue/products?limit=100");

        var commercialised = page.GetProperty("data").EnumerateArray()
            .Where(p => p.GetProperty("commercial_status").GetString() == "08-Commercialised").ToList();
        Assert.NotEmpty(commercialised);
        Assert.All(commercialised, p => Assert.Equal(JsonValueKind.Null, p.GetProperty("end_of_service_date").ValueKind));
    }

    [Fact]
    public async Task An_unknown_product_is_404()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/catalogue/products/" + Uri.EscapeDataString("NOPE' OR '1'='1"));

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_filters_by_text_range_and_subrange_and_pages()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        using var client = api.CreateClient();

        var all = await GetJsonAsync(client, "/api/catalogue/products?limit=7&page=3");
        var tesys = await GetJsonAsync(client, "/api/catalogue/products?q=lc1d&limit=100");
        var sepam = await GetJsonAsync(client, "/api/catalogue/products?range=sepam&subrange=Sepam%20series%2020&limit=100");
        var literal = await GetJsonAsync(client, "/api/catalogue/products?q=" + Uri.EscapeDataString("%"));

        Assert.Equal(TestCatalogue.ProductCount, all.GetProperty("total").GetInt32());
        Assert.Equal(7, all.GetProperty("data").GetArrayLength());
        Assert.Equal((TestCatalogue.ProductCount + 6) / 7, all.GetProperty("total_pages").GetInt32());
        Assert.True(tesys.GetProperty("total").GetInt32() > 10);
        Assert.All(tesys.GetProperty("data").EnumerateArray(), p => Assert.StartsWith("LC1D", p.GetProperty("product_identifier").GetString()));
        Assert.True(sepam.GetProperty("total").GetInt32() > 10);
        Assert.All(sepam.GetProperty("data").EnumerateArray(), p => Assert.Equal("Sepam", p.GetProperty("range_label").GetString()));
        Assert.Equal(0, literal.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("limit=101")]
    [InlineData("limit=x")]
    public async Task Invalid_search_parameters_are_400_problems(string query)
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/catalogue/products?" + query);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Letter_matches_carry_their_catalogue_row_or_null()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        var id = await StoreAsync(api.CreateWriter(), Letter());

        var letter = await GetJsonAsync(api.CreateClient(), $"/api/letters/{id}");

        var matches = letter.GetProperty("products")[0].GetProperty("matches");
        Assert.Equal("TeSys D", matches[0].GetProperty("catalogue_product").GetProperty("range_label").GetString());
        Assert.Equal(JsonValueKind.Null, matches[1].GetProperty("catalogue_product").ValueKind);
    }

    [Fact]
    public async Task Without_the_catalogue_its_endpoints_are_503_the_letters_work_and_health_is_degraded()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-catalogue-{Guid.NewGuid():N}.duckdb");
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), ("Catalogue:Path", missing));
        using var client = api.CreateClient();

        using var product = await client.GetAsync("/api/catalogue/products/LC1D09M7");
        using var search = await client.GetAsync("/api/catalogue/products");
        var id = await StoreAsync(api.CreateWriter(), Letter());
        var letter = await GetJsonAsync(client, $"/api/letters/{id}");
        using var health = await client.GetAsync("/health");

        Assert.Contains("catalogue", (await AssertProblemAsync(product, HttpStatusCode.ServiceUnavailable)).GetProperty("detail").GetString());
        await AssertProblemAsync(search, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(JsonValueKind.Null, letter.GetProperty("products")[0].GetProperty("matches")[0].GetProperty("catalogue_product").ValueKind);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unreadable_catalogue_file_is_503()
    {
        var garbage = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.duckdb");
        await File.WriteAllTextAsync(garbage, "this is not a DuckDB file");
        try
        {
            await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), ("Catalogue:Path", garbage));

            using var response = await api.CreateClient().GetAsync("/api/catalogue/products/LC1D09M7");

            await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("this is not a DuckDB file", await File.ReadAllTextAsync(garbage));
        }
        finally
        {
            File.Delete(garbage);
        }
    }

    [Fact]
    public async Task With_the_catalogue_health_is_healthy()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());

        using var health = await api.CreateClient().GetAsync("/health");

        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_catalogue_file_is_never_written_and_others_read_it_meanwhile()
    {
        var path = TestCatalogue.LowerCaseV2;
        var before = (Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(path))), File.GetLastWriteTimeUtc(path));
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        using var client = api.CreateClient();

        await GetJsonAsync(client, "/api/catalogue/products/LC1D09M7");
        await GetJsonAsync(client, "/api/catalogue/products?q=sepam");
        await using (var other = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY"))
        {
            await other.OpenAsync();
            await using var count = other.CreateCommand();
            count.CommandText = "SELECT count(*) FROM products";
            Assert.Equal(TestCatalogue.ProductCount, Convert.ToInt32(await count.ExecuteScalarAsync()));
            await GetJsonAsync(client, "/api/catalogue/products/NW16H1");
        }

        Assert.Equal(before, (Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(path))), File.GetLastWriteTimeUtc(path)));
    }

    [Fact]
    public void Columns_whose_names_differ_only_in_case_make_the_catalogue_unavailable_saying_so()
    {
        // DuckDB resolves "range_label" to either; the API answers 503 with this message rather than guess.
        var columns = new[] { "product_identifier", "range_label", "RANGE_LABEL", "brand_label" };

        var unavailable = Assert.Throws<CatalogueUnavailableException>(() => CatalogueLayout.From(columns));

        Assert.Equal("The catalogue's products table has columns whose names differ only in case (range_label, RANGE_LABEL), which a query cannot tell apart.",
            unavailable.Message);
    }

    [Fact]
    public async Task Another_schemas_products_table_in_the_file_is_not_read_for_the_layout()
    {
        using var folder = new TempFolder("catalogue");
        var path = CatalogueVariant(folder, """
            CREATE SCHEMA archive;
            CREATE TABLE archive.products AS SELECT product_identifier AS "PRODUCT_IDENTIFIER", range_label AS "RANGE_LABEL" FROM products;
            """);
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), ("Catalogue:Path", path));

        var product = await GetJsonAsync(api.CreateClient(), "/api/catalogue/products/LC1D09M7");

        Assert.Equal("TeSys D", product.GetProperty("range_label").GetString());
    }

    [Fact]
    public async Task A_read_that_fails_on_the_file_never_breaks_the_requests_using_it_meanwhile()
    {
        // Searches by subrange fail on this file (lower() of a list), and each failure makes the reader give the open
        // file up; gets read products from it meanwhile (the cache keeps one), and must never find it closed under them.
        using var folder = new TempFolder("catalogue");
        var path = CatalogueVariant(folder, """
            CREATE TABLE listed AS SELECT * EXCLUDE (subrange_label), [1, 2] AS subrange_label FROM products;
            DROP TABLE products;
            ALTER TABLE listed RENAME TO products;
            """);
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), ("Catalogue:Path", path), ("Catalogue:CachedProducts", "1"));
        using var client = api.CreateClient();
        var identifiers = (await GetJsonAsync(client, "/api/catalogue/products?limit=100")).GetProperty("data").EnumerateArray()
            .Select(product => product.GetProperty("product_identifier").GetString()!).ToList();
        using var concurrency = new SemaphoreSlim(16);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 600).Select(async i =>
        {
            await concurrency.WaitAsync();
            try
            {
                var uri = i % 3 == 0 ? "/api/catalogue/products?subrange=x" : "/api/catalogue/products/" + Uri.EscapeDataString(identifiers[i % identifiers.Count]);
                using var response = await client.GetAsync(uri);
                return (Uri: uri, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }
            finally
            {
                concurrency.Release();
            }
        }));

        Assert.All(outcomes, outcome => Assert.True(
            outcome.StatusCode == (outcome.Uri.Contains('?') ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK),
            $"{outcome.Uri}: {(int)outcome.StatusCode} {outcome.Body}"));
    }

    /// <summary>A copy of the generated catalogue changed by <paramref name="change"/> (DuckDB SQL).</summary>
    private static string CatalogueVariant(TempFolder folder, string change)
    {
        var path = folder.File("IBcatalogue.duckdb");
        File.Copy(TestCatalogue.LowerCaseV2, path);
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = change;
        command.ExecuteNonQuery();
        return path;
    }

    [Fact]
    public void The_generator_is_deterministic_and_holds_the_well_known_products()
    {
        var first = IbCatalogueGenerator.Generate(300, 7).ToList();
        var second = IbCatalogueGenerator.Generate(300, 7).ToList();
        var otherSeed = IbCatalogueGenerator.Generate(300, 8).ToList();

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
        Assert.Equal(300, first.Select(p => p.ProductIdentifier).Distinct().Count());
        Assert.Subset(first.Select(p => p.ProductIdentifier).ToHashSet(), IbCatalogueGenerator.WellKnownIdentifiers.ToHashSet());
        Assert.Contains(first, p => p.EndOfServiceDate == IbCatalogueGenerator.NoEndDate);
    }
}
