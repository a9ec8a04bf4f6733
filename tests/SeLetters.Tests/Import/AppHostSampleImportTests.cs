using System.Net;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

/// <summary><c>dotnet run</c> on the AppHost with no source configured imports a generated sample; the API then serves the sample's own statistics.</summary>
public sealed class AppHostSampleImportTests : IAsyncLifetime
{
    private readonly TempFolder _dataDirectory = new("apphost-sample");
    private readonly TempFolder _samples = new();
    private DistributedApplication? _app;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SeLetters_AppHost>(
            [$"Postgres:DataDirectory={_dataDirectory.Path}", $"Import:SampleFolder={_samples.Path}"]);
        _app = await builder.BuildAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceAsync("migrations", KnownResourceStates.Finished, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
    }

    [Fact]
    public async Task The_api_statistics_after_the_sample_import_equal_the_sources_own_aggregates()
    {
        var sample = _samples.File("letters.duckdb");
        Assert.True(File.Exists(sample));
        Assert.True(_app!.ResourceNotifications.TryGetCurrentState("migrations", out var migrations));
        Assert.Equal(0, migrations!.Snapshot.ExitCode);
        using var http = _app.CreateHttpClient("api");

        using var response = await http.GetAsync("/api/letters/statistics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var api = body.RootElement;
        Assert.Equal(DuckDb.Scalar<long>(sample, "SELECT count(*) FROM letters"), api.GetProperty("total_letters").GetInt64());
        Assert.Equal(DuckDb.Scalar<long>(sample, "SELECT count(*) FROM letters WHERE status = 'processed'"), api.GetProperty("processed_count").GetInt64());
        Assert.Equal(DuckDb.Scalar<long>(sample, "SELECT count(*) FROM letters WHERE status = 'failed'"), api.GetProperty("failed_count").GetInt64());
        Assert.Equal(DuckDb.Scalar<double>(sample, "SELECT avg(extraction_confidence) FROM letters"), Number(api, "avg_confidence"), 6);
        Assert.Equal(DuckDb.Scalar<double>(sample, "SELECT avg(processing_time_ms) FROM letters"), Number(api, "avg_processing_time"), 3);
        Assert.True(File.Exists(_samples.File("import-report.json")));
    }

    private static double Number(JsonElement body, string prefix) =>
        body.EnumerateObject().Single(property => property.Name.StartsWith(prefix, StringComparison.Ordinal)).Value.GetDouble();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _dataDirectory.Dispose();
        _samples.Dispose();
    }
}
