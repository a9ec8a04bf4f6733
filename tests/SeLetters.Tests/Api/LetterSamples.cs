using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SeLetters.Tests.Api;

/// <summary>Letters as the pipeline sends them, and the calls the tests make with them.</summary>
public static class LetterSamples
{
    /// <summary>The seed's test letter, with one product, two matches (one known to the catalogue) and two debug steps.</summary>
    public static JsonObject Letter(string name = "test.pdf", string? fileHash = null) => new()
    {
        ["document_name"] = name,
        ["document_title"] = $"Obsolescence of {name}",
        ["document_type"] = "obsolescence_letter",
        ["source_file_path"] = $"/test/{name}",
        ["file_size"] = 123456,
        ["file_hash"] = fileHash ?? Guid.NewGuid().ToString("N"),
        ["processing_time_ms"] = 1000,
        ["extraction_confidence"] = 0.95,
        ["raw_grok_json"] = new JsonObject { ["products"] = new JsonArray("LC1D09M7"), ["nested"] = new JsonObject { ["n"] = 1 } },
        ["validation_details_json"] = new JsonArray(1, "two", null),
        ["processing_steps_json"] = "just a string",
        ["products"] = new JsonArray(new JsonObject
        {
            ["product_identifier"] = "LC1D09M7",
            ["range_label"] = "TeSys D",
            ["product_description"] = "TeSys D contactor",
            ["confidence_score"] = 0.9,
            ["matches"] = new JsonArray(
                new JsonObject { ["ibcatalogue_product_identifier"] = "LC1D09M7", ["match_confidence"] = 0.97, ["match_type"] = "exact" },
                new JsonObject { ["ibcatalogue_product_identifier"] = "NOT-IN-CATALOGUE", ["match_confidence"] = 0.4, ["match_type"] = "fuzzy" }),
        }),
        ["processing_debug"] = new JsonArray(
            new JsonObject { ["processing_step"] = "matching", ["step_timestamp"] = "2026-11-25T10:00:02" },
            new JsonObject { ["processing_step"] = "ocr", ["step_timestamp"] = "2026-11-25T10:00:01" }),
    };

    public static async Task<int> StoreAsync(HttpClient writer, JsonObject letter)
    {
        using var response = await writer.PostAsJsonAsync("/api/letters", letter);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    /// <summary>The ids of a search page, in order.</summary>
    public static List<int> Ids(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(l => l.GetProperty("id").GetInt32()).ToList();

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string uri)
    {
        using var response = await client.GetAsync(uri);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{uri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
