using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Faults.FaultAssertions;

namespace SeLetters.Tests.Faults;

/// <summary>PostgreSQL stopped and started again under a write load, on a server of the test's own.</summary>
[Collection(AloneCollection.Name)]
public sealed class PostgresOutageTests
{
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task During_an_outage_the_api_answers_503_and_afterwards_recovers_by_itself_without_losing_a_write()
    {
        await using var server = await ScratchPostgresServer.StartMigratedAsync();
        await using var api = LettersApiFactory.For(server.ConnectionString);
        using var reader = api.CreateClient();
        var load = WriteLoad.Start(api.CreateWriter, writers: 4);
        await WaitUntilAsync(() => load.Acknowledged.Count >= 20, TimeSpan.FromSeconds(20));

        await server.StopAsync();
        var down = DateTime.UtcNow;
        await WaitUntilAsync(() => load.Failures.Any(failure => failure.At > down), WriteLoad.RequestBound);
        using (var health = await reader.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
        }

        using (var search = await reader.GetAsync("/api/letters"))
        {
            AssertUnavailableProblem(search.StatusCode, await search.Content.ReadAsStringAsync(), search.Content.Headers.ContentType?.MediaType);
        }

        await server.StartAsync();
        var up = Stopwatch.StartNew();
        var upAt = DateTime.UtcNow;
        await WaitUntilAsync(() => load.AcknowledgedAt.Any(at => at > upAt), RecoveryBound);
        var recovery = up.Elapsed;
        var acknowledgedBeforeRestart = load.AcknowledgedAt.Count(at => at <= upAt);
        await WaitUntilAsync(() => load.AcknowledgedAt.Count(at => at > upAt) >= 20, RecoveryBound);
        await load.StopAsync();

        using (var health = await reader.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.NotEmpty(load.Failures);
        foreach (var failure in load.Failures)
        {
            Assert.True(failure.Status is not null, $"a write got no answer within {WriteLoad.RequestBound}: {failure.Body}");
            AssertUnavailableProblem(failure.Status.Value, failure.Body, mediaType: null);
            Assert.True(failure.Elapsed < TimeSpan.FromSeconds(10), $"a 503 took {failure.Elapsed}");
        }

        Assert.True(acknowledgedBeforeRestart >= 20, $"{acknowledgedBeforeRestart} writes acknowledged before the restart");
        Assert.True(recovery < RecoveryBound, $"recovered after {recovery}");
        await WriteLoad.AssertEveryLetterWholeAsync(server.ConnectionString, load.Acknowledged);
    }
}
