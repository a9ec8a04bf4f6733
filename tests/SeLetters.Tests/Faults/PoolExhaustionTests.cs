using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;
using static SeLetters.Tests.Faults.FaultAssertions;

namespace SeLetters.Tests.Faults;

[Collection(AloneCollection.Name)]
public sealed class PoolExhaustionTests(PostgresServerFixture postgres)
{
    private const int Requests = 50;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Fifty_requests_on_a_pool_of_two_blocked_connections_all_end_with_2xx_or_503_and_the_api_serves_afterwards()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var tiny = new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = 2, Timeout = 1, CommandTimeout = 2 }.ConnectionString;
        await using var api = LettersApiFactory.For(database, ("ConnectionStrings:lettersdb", tiny));
        using var writer = api.CreateWriter();

        // Stores of this file wait for the test's advisory lock while holding pooled connections, so the pool runs dry.
        const string hot = "hot-file";
        await using var holder = new NpgsqlConnection(database + ";Pooling=false");
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock(hashtextextended('{hot}', 0))", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var requests = Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            var elapsed = Stopwatch.StartNew();
            using var bound = new CancellationTokenSource(Bound);
            using var response = (i % 5) switch
            {
                0 => await writer.PostAsJsonAsync("/api/letters", Letter($"{hot}.pdf", hot), bound.Token),
                1 or 2 => await writer.PostAsJsonAsync("/api/letters", Letter($"pool-{i}.pdf", $"pool-{i}"), bound.Token),
                3 => await writer.GetAsync("/api/letters?search=pool&sort_by=document_name", bound.Token),
                _ => await writer.GetAsync("/api/letters/statistics", bound.Token),
            };
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), elapsed.Elapsed);
        })).ToList();

        // Held until a waiting request has given up with 503 (the API's retries last about 9 s with these timeouts).
        await WaitUntilAsync(
            () => requests.Any(request => request.IsCompletedSuccessfully && request.Result.StatusCode == HttpStatusCode.ServiceUnavailable),
            Bound);
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock(hashtextextended('{hot}', 0))", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        var outcomes = await Task.WhenAll(requests);
        foreach (var (status, body, elapsed) in outcomes)
        {
            Assert.True(elapsed < Bound, $"{(int)status} after {elapsed}");
            if (!((int)status is >= 200 and < 300))
            {
                AssertUnavailableProblem(status, body, mediaType: null);
            }
        }

        using (var search = await writer.GetAsync("/api/letters?search=pool"))
        {
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        }

        var id = await StoreAsync(writer, Letter("after-the-crowd.pdf"));
        var stored = (await GetJsonAsync(writer, $"/api/letters/{id}")).GetProperty("products").GetArrayLength();
        Assert.Equal(1, stored);
    }
}
