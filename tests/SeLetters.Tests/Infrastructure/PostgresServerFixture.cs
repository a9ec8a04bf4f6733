using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeLetters.Data;
using SeLetters.Hosting;

namespace SeLetters.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL server for the database tests, provided exactly as the AppHost provides it
/// (<see cref="LettersDatabaseExtensions.AddLettersDatabase"/>: container, local binaries or external), in a data
/// directory of its own. Each test gets a database of its own, cloned from a migrated template.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private const string TemplateDatabase = "seletters_template";

    private readonly TempFolder _dataDirectory = new("postgres");
    private DistributedApplication? _app;
    private string _serverConnectionString = "";
    private int _databaseCount;

    public async Task InitializeAsync()
    {
        // The AppHost's own model, which chooses the server the way `dotnet run` does; the projects are left out
        // (the whole-app tests start them).
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SeLetters_AppHost>(
            [$"Postgres:DataDirectory={_dataDirectory.Path}"]);
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.Resources.Remove(project);
        }

        _app = await builder.BuildAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _app.StartAsync(timeout.Token);

        // In external mode there is no server resource, only the given connection string.
        var server = builder.Resources.OfType<IResourceWithConnectionString>()
            .FirstOrDefault(resource => resource.Name == LettersDatabaseExtensions.ServerResourceName);
        if (server is not null)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(server.Name, timeout.Token);
        }

        server ??= builder.Resources.OfType<IResourceWithConnectionString>()
            .Single(resource => resource.Name == LettersDatabaseExtensions.DatabaseResourceName);
        _serverConnectionString = new NpgsqlConnectionStringBuilder(await server.ConnectionStringExpression.GetValueAsync(timeout.Token))
        {
            Database = "postgres",
        }.ConnectionString;

        await ExecuteAsync($"DROP DATABASE IF EXISTS {TemplateDatabase}");
        await ExecuteAsync($"CREATE DATABASE {TemplateDatabase}");
        // Unpooled: CREATE DATABASE ... TEMPLATE fails while any connection to the template stays open.
        await using var template = CreateContext(ConnectionStringFor(TemplateDatabase) + ";Pooling=false");
        await template.Database.MigrateAsync(timeout.Token);
    }

    /// <summary>The server's maintenance database, for creating and inspecting databases.</summary>
    public string ServerConnectionString => _serverConnectionString;

    /// <remarks>
    /// Every test has databases of its own on one server, so idle pooled connections are closed within seconds:
    /// otherwise the pools of finished tests would use up the server's max_connections.
    /// </remarks>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_serverConnectionString)
        {
            Database = database,
            ConnectionIdleLifetime = 2,
            ConnectionPruningInterval = 1,
        }.ConnectionString;

    /// <summary>A new database with the migrated schema and no rows, and the API's role provisioned as the migration service does.</summary>
    public async Task<string> CreateMigratedDatabaseAsync()
    {
        var name = NewDatabaseName();
        await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {TemplateDatabase}");
        var connectionString = ConnectionStringFor(name);
        await TestApiRole.ProvisionAsync(connectionString);
        return connectionString;
    }

    /// <summary>A new, empty database (no schema).</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = NewDatabaseName();
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionStringFor(name);
    }

    /// <summary>A name for a database that does not exist yet.</summary>
    public string NewDatabaseName() => $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCount)}";

    public static LettersDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<LettersDbContext>().UseNpgsql(connectionString).UseLettersConventions().Options);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
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

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "PostgreSQL";
}
