using System.Net;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.AppModel;

/// <summary>The whole application model, as <c>dotnet run --project src/SeLetters.AppHost</c> starts it.</summary>
public sealed class AppHostTests : IAsyncLifetime
{
    private readonly TestDataDirectory _dataDirectory = new("apphost");
    private DistributedApplication? _app;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SeLetters_AppHost>(
            [$"Postgres:DataDirectory={_dataDirectory.Path}", "Import:Sample=false"]);
        _app = await builder.BuildAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceAsync("migrations", KnownResourceStates.Finished, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
    }

    [Fact]
    public async Task Api_serves_zero_statistics_on_a_fresh_database_after_the_migrations_finished()
    {
        var app = _app!;
        using var http = app.CreateHttpClient("api");

        using var response = await http.GetAsync("/api/letters/statistics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, body.RootElement.GetProperty("total_letters").GetInt32());
        Assert.Equal(0, body.RootElement.GetProperty("processed_count").GetInt32());
        Assert.Equal(0, body.RootElement.GetProperty("failed_count").GetInt32());
        Assert.True(app.ResourceNotifications.TryGetCurrentState("migrations", out var migrations));
        Assert.NotNull(migrations);
        Assert.Equal(0, migrations.Snapshot.ExitCode);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _dataDirectory.Dispose();
    }
}
