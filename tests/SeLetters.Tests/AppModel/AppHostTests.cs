using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SeLetters.MigrationService.Backup;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.AppModel;

/// <summary>The whole application model, as <c>dotnet run --project src/SeLetters.AppHost</c> starts it, once for all its tests.</summary>
public sealed class RunningAppHost : IAsyncLifetime
{
    private readonly TempFolder _dataDirectory = new("apphost");
    private readonly TempFolder _operations = new("operations");
    private DistributedApplication? _app;

    public DistributedApplication App => _app!;

    /// <summary>Where the dashboard's operator commands write (Operations:Folder).</summary>
    public string OperationsFolder => _operations.Path;

    /// <summary>The generated secret the AppHost gave the API as its key.</summary>
    public string ApiKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SeLetters_AppHost>(
            [$"Postgres:DataDirectory={_dataDirectory.Path}", "Import:Sample=false", $"Operations:Folder={_operations.Path}"]);
        _app = await builder.BuildAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceAsync("migrations", KnownResourceStates.Finished, timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
        ApiKey = (await builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "api-key").GetValueAsync(timeout.Token))!;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _dataDirectory.Dispose();
        _operations.Dispose();
    }
}

public sealed class AppHostTests(RunningAppHost running) : IClassFixture<RunningAppHost>
{
    [Fact]
    public async Task The_dashboards_backup_command_on_migrations_writes_a_verified_backup()
    {
        var result = await running.App.ResourceCommands.ExecuteCommandAsync("migrations", "backup");

        Assert.True(result.Success, result.Message);
        var backups = Path.Combine(running.OperationsFolder, "backups");
        var dump = Assert.Single(Directory.GetFiles(backups, "se_letters-*.dump"));
        Assert.Single(Directory.GetFiles(backups, "se_letters-*.manifest.json"));
        var manifest = await BackupManifest.ReadAsync(dump, CancellationToken.None);
        Assert.Equal(("se_letters", Path.GetFileName(dump), new FileInfo(dump).Length), (manifest.Database, manifest.DumpFile, manifest.DumpBytes));
        // The tables only the API's writes change (the tests of this class run one after another); the statistics the
        // API folds in the background may move on.
        await using var connection = new NpgsqlConnection(await running.App.GetConnectionStringAsync("lettersdb"));
        await connection.OpenAsync();
        await using var snapshot = await connection.BeginTransactionAsync();
        string[] letterTables = ["letter_product_matches", "letter_products", "letters", "processing_debug"];
        Assert.Equal(
            (await TableChecksums.ReadAsync(connection, snapshot, CancellationToken.None)).Where(table => letterTables.Contains(table.Table)),
            manifest.Tables.Where(table => letterTables.Contains(table.Table)));
    }

    [Fact]
    public async Task Api_serves_statistics_after_the_migrations_finished()
    {
        var app = running.App;
        using var http = app.CreateHttpClient("api");

        using var response = await http.GetAsync("/api/letters/statistics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // The other test may have stored a letter already: the shape is checked, not the counts.
        Assert.Equal(JsonValueKind.Number, body.RootElement.GetProperty("total_letters").ValueKind);
        Assert.Equal(10, body.RootElement.GetProperty("confidence_histogram").GetArrayLength());
        Assert.True(app.ResourceNotifications.TryGetCurrentState("migrations", out var migrations));
        Assert.NotNull(migrations);
        Assert.Equal(0, migrations.Snapshot.ExitCode);
    }

    [Fact]
    public async Task A_letter_stored_with_the_generated_key_is_found_with_its_catalogue_match()
    {
        using var http = running.App.CreateHttpClient("api");
        var name = $"apphost-{Guid.NewGuid():N}.pdf";
        using var store = new HttpRequestMessage(HttpMethod.Post, "/api/letters")
        {
            Content = JsonContent.Create(new
            {
                document_name = name,
                source_file_path = $"/letters/{name}",
                extraction_confidence = 0.95,
                products = new[] { new { product_identifier = "LC1D09M7", matches = new[] { new { ibcatalogue_product_identifier = "LC1D09M7", match_confidence = 0.9 } } } },
            }),
        };
        store.Headers.Add("X-Api-Key", running.ApiKey);

        using var stored = await http.SendAsync(store);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var id = (await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var found = await http.GetFromJsonAsync<JsonElement>($"/api/letters?search={name}");
        Assert.Equal([id], found.GetProperty("data").EnumerateArray().Select(l => l.GetProperty("id").GetInt32()));
        var letter = await http.GetFromJsonAsync<JsonElement>($"/api/letters/{id}");
        Assert.Equal(0.95f, letter.GetProperty("extraction_confidence").GetSingle());
        var match = letter.GetProperty("products")[0].GetProperty("matches")[0];
        Assert.Equal("LC1D09M7", match.GetProperty("catalogue_product").GetProperty("product_identifier").GetString());
    }

    [Fact]
    public async Task The_web_app_shows_the_letters_page_with_what_it_reads_through_the_api()
    {
        // Waited for here, not in the fixture: the other tests need only the API.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await running.App.ResourceNotifications.WaitForResourceHealthyAsync("web", timeout.Token);
        }

        using var web = running.App.CreateHttpClient("web");

        using var response = await web.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Obsolescence letters</h1>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"result-count\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await web.GetAsync("/letters/999999999")).StatusCode);
    }

    [Fact]
    public async Task The_api_connects_as_the_role_that_cannot_change_the_schema()
    {
        using var http = running.App.CreateHttpClient("api");
        using var read = await http.GetAsync("/api/letters");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        // The API's pooled connection stays open after the request: the server names its user. Unpooled: the role set
        // below ends with the connection.
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(await running.App.GetConnectionStringAsync("lettersdb")) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var users = new NpgsqlCommand(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection))
        await using (var reader = await users.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Contains("seletters_api", names);

        // The schema change, tried as that role.
        await using var change = new NpgsqlCommand("SET ROLE seletters_api; CREATE TABLE intruder (id int)", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => change.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task The_api_is_given_its_own_roles_connection_string_which_is_refused_a_schema_change()
    {
        var api = running.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Single(resource => resource.Name == "api");
        var configuration = await ExecutionConfigurationBuilder.Create(api).WithEnvironmentVariablesConfig().BuildAsync(
            running.App.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, CancellationToken.None);
        var environment = configuration.EnvironmentVariables.ToDictionary(variable => variable.Key, variable => variable.Value);
        var owner = new NpgsqlConnectionStringBuilder(await running.App.GetConnectionStringAsync("lettersdb"));
        var given = new NpgsqlConnectionStringBuilder(environment["ConnectionStrings__lettersdb"]) { Pooling = false };

        Assert.Equal(("seletters_api", owner.Database), (given.Username, given.Database));
        Assert.DoesNotContain(environment, variable => variable.Value.Contains(owner.Password!, StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(given.ConnectionString);
        await connection.OpenAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM letters", connection))
        {
            await read.ExecuteScalarAsync();
        }

        await using var change = new NpgsqlCommand("CREATE TABLE intruder (id int)", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => change.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }
}
