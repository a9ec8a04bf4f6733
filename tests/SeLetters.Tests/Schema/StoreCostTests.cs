using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Schema;

/// <summary>
/// A letter's derived rows cost time linear in its products: a ratio of two timings, so it runs alone (other tests on
/// the 2 cores would skew one timing and not the other).
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class StoreCostTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Storing_a_letter_costs_time_linear_in_its_products_and_matches()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var api = LettersApiFactory.For(database);
        using var writer = api.CreateWriter();
        await StoreAsync(writer, 200);
        await StoreAsync(writer, 3200);

        var small = new List<double>();
        var large = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            small.Add(await StoreAsync(writer, 200));
            large.Add(await StoreAsync(writer, 3200));
        }

        // 16 times the products: 16 times the time if linear with nothing fixed, 24 if n log n (the string_agg's sort, a
        // GIN entry per trigram of a text 16 times as long), 256 if every product rewrote the letter's derived rows.
        var ratio = Median(large) / Median(small);
        Assert.True(ratio <= 32, $"3,200 products took {ratio:F1} times as long as 200 (medians {Median(large):F3} s, {Median(small):F3} s)");
    }

    /// <summary>Stores a letter with that many products, each with a match, and returns the seconds it took.</summary>
    private static async Task<double> StoreAsync(HttpClient writer, int products)
    {
        var letter = Letter($"products-{products}.pdf");
        letter["products"] = new JsonArray(Enumerable.Range(0, products).Select(i => (JsonNode)new JsonObject
        {
            ["product_identifier"] = $"LC1D{i:D5}",
            ["range_label"] = "TeSys D",
            ["matches"] = new JsonArray(new JsonObject { ["ibcatalogue_product_identifier"] = $"IB{i:D5}", ["match_confidence"] = 0.9 }),
        }).ToArray());
        var clock = Stopwatch.StartNew();
        using var response = await writer.PostAsJsonAsync("/api/letters", letter);
        var seconds = clock.Elapsed.TotalSeconds;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return seconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
