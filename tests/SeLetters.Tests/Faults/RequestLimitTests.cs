using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using SeLetters.Api.Security;
using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;
using static SeLetters.Tests.Faults.FaultAssertions;

namespace SeLetters.Tests.Faults;

public sealed class RequestLimitTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Past_the_running_and_queued_requests_the_api_answers_503_at_once_while_its_probes_and_the_running_write_go_on()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var api = LettersApiFactory.For(database, ("Api:MaxConcurrentRequests", "1"), ("Api:MaxQueuedRequests", "0"));
        using var writer = api.CreateWriter();

        // The one request allowed to run is a store of this file, held on the test's advisory lock.
        const string hot = "limited-file";
        await using var holder = new NpgsqlConnection(database + ";Pooling=false");
        await holder.OpenAsync();
        await Target.ExecuteAsync(holder, $"SELECT pg_advisory_lock(hashtextextended('{hot}', 0))");
        using var bound = new CancellationTokenSource(Bound);
        var running = writer.PostAsJsonAsync("/api/letters", Letter($"{hot}.pdf", hot), bound.Token);
        await WaitUntilAsync(() => AdvisoryLockAwaited(database), Bound);

        var refused = Stopwatch.StartNew();
        using (var search = await writer.GetAsync("/api/letters?search=limited", bound.Token))
        {
            refused.Stop();
            AssertUnavailableProblem(search.StatusCode, await search.Content.ReadAsStringAsync(), search.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(1), search.Headers.RetryAfter?.Delta);
        }

        Assert.True(refused.Elapsed < TimeSpan.FromSeconds(5), $"refused after {refused.Elapsed}");
        using (var alive = await writer.GetAsync("/alive", bound.Token))
        using (var health = await writer.GetAsync("/health", bound.Token))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.False(running.IsCompleted);
        await Target.ExecuteAsync(holder, $"SELECT pg_advisory_unlock(hashtextextended('{hot}', 0))");
        using var stored = await running;
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        using var after = await writer.GetAsync("/api/letters?search=limited", bound.Token);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(1, (await after.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(bound.Token)).GetProperty("total").GetInt32());

        bool AdvisoryLockAwaited(string connectionString)
        {
            using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
            connection.Open();
            using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", connection);
            return (long)waiting.ExecuteScalar()! > 0;
        }
    }

    [Theory]
    [InlineData("Api:MaxConcurrentRequests", "0")]
    [InlineData("Api:MaxQueuedRequests", "-1")]
    public async Task A_limit_out_of_range_stops_the_api_at_start_naming_both_settings(string key, string value)
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), (key, value));
        var refused = Assert.Throws<OptionsValidationException>(() => api.CreateWriter());
        Assert.Contains("Api:MaxConcurrentRequests must be at least 1 and Api:MaxQueuedRequests at least 0.", refused.Message);
    }
}
