using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;
using static SeLetters.Tests.Faults.FaultAssertions;

namespace SeLetters.Tests.Faults;

/// <summary>The built API as real processes: killed under load, and two of them on one database.</summary>
[Collection(AloneCollection.Name)]
public sealed class ApiProcessFaultTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task An_api_killed_with_sigkill_under_a_write_load_leaves_no_partial_letter_and_loses_no_acknowledged_one()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var load = default(WriteLoad);
        await using (var api = await ApiProcess.StartAsync(database))
        {
            load = WriteLoad.Start(api.CreateWriter, writers: 8);
            await WaitUntilAsync(() => load.Acknowledged.Count >= 50, TimeSpan.FromSeconds(30));
            await api.KillAsync();
            await load.StopAsync();
        }

        Assert.Contains(load.Failures, failure => failure.Status is null);
        Assert.All(load.Failures, failure => Assert.Null(failure.Status));
        await WriteLoad.AssertEveryLetterWholeAsync(database, load.Acknowledged);

        // Nothing the killed process held (locks, half-open transactions) stands in a new instance's way.
        await using var restarted = await ApiProcess.StartAsync(database);
        using var writer = restarted.CreateWriter();
        var repeated = load.Acknowledged.First();
        using var again = await writer.PostAsJsonAsync("/api/letters", Letter($"{repeated.Key}.pdf", repeated.Key));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await StoreAsync(writer, Letter("after-the-kill.pdf"));
    }

    [Fact]
    public async Task Two_api_instances_writing_to_one_database_at_once_lose_nothing_and_store_a_shared_file_once()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var first = await ApiProcess.StartAsync(database);
        await using var second = await ApiProcess.StartAsync(database);

        var loads = new[] { WriteLoad.Start(first.CreateWriter, writers: 4, "a"), WriteLoad.Start(second.CreateWriter, writers: 4, "b") };
        // Meanwhile both instances store the same files: the advisory lock serialises them across processes.
        var shared = new ConcurrentDictionary<string, ConcurrentBag<int>>();
        await Task.WhenAll(new[] { first, second }.SelectMany(api => Enumerable.Range(0, 20).Select(async i =>
        {
            using var writer = api.CreateWriter();
            var hash = $"shared-{i}";
            using var response = await writer.PostAsJsonAsync("/api/letters", Letter($"{hash}.pdf", hash));
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            shared.GetOrAdd(hash, _ => []).Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32());
        })));
        await WaitUntilAsync(() => loads.All(load => load.Acknowledged.Count >= 50), TimeSpan.FromSeconds(30));
        foreach (var load in loads)
        {
            await load.StopAsync();
        }

        Assert.All(loads, load => Assert.Empty(load.Failures));
        Assert.All(shared.Values, ids => Assert.Single(ids.Distinct()));
        var acknowledged = loads.SelectMany(load => load.Acknowledged)
            .Concat(shared.Select(pair => KeyValuePair.Create(pair.Key, pair.Value.First())))
            .ToDictionary();
        await WriteLoad.AssertEveryLetterWholeAsync(database, acknowledged);
    }
}
