using System.Net;
using System.Net.Http.Json;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;
using static SeLetters.Tests.Api.LettersApiTests;

namespace SeLetters.Tests.Api;

public sealed class ApiKeyTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    public static TheoryData<string> Writes => new() { "POST", "PUT", "PATCH", "DELETE" };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_write_without_the_key_is_401_and_changes_nothing(string method)
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        var id = await StoreAsync(api.CreateWriter(), Letter());

        using var response = await api.CreateClient().SendAsync(Write(method, id));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        await AssertUnchangedAsync(api, id);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_write_with_a_wrong_key_is_403_and_changes_nothing(string method)
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        var id = await StoreAsync(api.CreateWriter(), Letter());
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", LettersApiFactory.ApiKey + "x");

        using var response = await client.SendAsync(Write(method, id));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        await AssertUnchangedAsync(api, id);
    }

    [Fact]
    public async Task The_key_is_checked_before_the_body_is_read()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());

        using var response = await api.CreateClient().PostAsync("/api/letters", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Without_a_configured_key_every_write_is_refused(string method)
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        int id;
        await using (var keyed = LettersApiFactory.For(database))
        {
            id = await StoreAsync(keyed.CreateWriter(), Letter());
        }

        await using var api = LettersApiFactory.For(database, ("Api:Key", ""));
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "");

        using var response = await client.SendAsync(Write(method, id));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("no API key configured", problem.GetProperty("detail").GetString());
        await AssertUnchangedAsync(api, id);
    }

    [Fact]
    public async Task Reads_need_no_key()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        using var client = api.CreateClient();

        foreach (var uri in new[] { "/api/letters", "/api/letters/statistics", "/api/catalogue/products/LC1D09M7" })
        {
            using var response = await client.GetAsync(uri);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static HttpRequestMessage Write(string method, int id) => method switch
    {
        "POST" => new HttpRequestMessage(HttpMethod.Post, "/api/letters") { Content = JsonContent.Create(Letter("intruder.pdf")) },
        "PUT" => new HttpRequestMessage(HttpMethod.Put, $"/api/letters/{id}") { Content = JsonContent.Create(Letter("intruder.pdf")) },
        "PATCH" => new HttpRequestMessage(HttpMethod.Patch, $"/api/letters/{id}") { Content = JsonContent.Create(new { status = "hacked" }) },
        _ => new HttpRequestMessage(HttpMethod.Delete, $"/api/letters/{id}"),
    };

    private static async Task AssertUnchangedAsync(LettersApiFactory api, int id)
    {
        using var client = api.CreateClient();
        var page = await GetJsonAsync(client, "/api/letters");
        var letter = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal(id, letter.GetProperty("id").GetInt32());
        Assert.Equal("processed", letter.GetProperty("status").GetString());
        Assert.Equal("test.pdf", letter.GetProperty("document_name").GetString());
    }
}
