using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

public sealed class ConcurrencyTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const int Clients = 50;
    private const int LettersPerClient = 3;

    [Fact]
    public async Task Many_parallel_writers_and_readers_lose_no_acknowledged_write()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var api = LettersApiFactory.For(database);
        var acknowledged = new ConcurrentDictionary<string, int>();
        using var start = new SemaphoreSlim(0);

        // Created here, not in the clients' tasks: 49 of them blocked while the first started the API starved the thread
        // pool that the start needed (27 s).
        var writers = Enumerable.Range(0, Clients).Select(_ => api.CreateWriter()).ToList();

        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var writer = writers[client];
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

        // Straight from the database: exactly the acknowledged letters, one per hash, each with its product.
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT l.file_hash, l.id, count(p.id) FROM letters l LEFT JOIN letter_products p ON p.letter_id = l.id GROUP BY l.id", connection);
        var stored = new Dictionary<string, int>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetString(0), reader.GetInt32(1));
            Assert.Equal(1L, reader.GetInt64(2));
        }

        Assert.Equal(acknowledged.OrderBy(a => a.Key), stored.OrderBy(s => s.Key));
    }
}
