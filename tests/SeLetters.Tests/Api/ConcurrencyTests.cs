using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class ConcurrencyTests(PostgresServerFixture postgres)
{
    private const int Clients = 50;
    private const int LettersPerClient = 4;

    [Fact]
    public async Task Many_parallel_writers_and_readers_lose_no_acknowledged_write()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());
        var acknowledged = new ConcurrentDictionary<string, int>();
        using var start = new SemaphoreSlim(0);

        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var writer = api.CreateWriter();
            await start.WaitAsync();
            for (var i = 0; i < LettersPerClient; i++)
            {
                // Every third letter repeats a hash another client sends too: the idempotent path under contention.
                var hash = i % 3 == 0 ? $"shared-{i}" : $"client-{client}-{i}";
                using var stored = await writer.PostAsJsonAsync("/api/letters", Letter($"c{client}-{i}.pdf", hash));
                Assert.True(stored.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
                var id = (await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
                Assert.Equal(id, acknowledged.GetOrAdd(hash, id));

                using var read = await writer.GetAsync($"/api/letters/{id}");
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                using var search = await writer.GetAsync("/api/letters?search=pdf&limit=10");
                Assert.Equal(HttpStatusCode.OK, search.StatusCode);
            }
        })).ToList();
        start.Release(Clients);
        await Task.WhenAll(clients);

        using var reader = api.CreateClient();
        var page = await GetJsonAsync(reader, "/api/letters?limit=1");
        Assert.Equal(acknowledged.Count, page.GetProperty("total").GetInt32());
        foreach (var (hash, id) in acknowledged)
        {
            Assert.Equal(id, (await GetJsonAsync(reader, $"/api/letters/by-hash/{hash}")).GetProperty("id").GetInt32());
        }
    }
}
