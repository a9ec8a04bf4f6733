using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeLetters.Data;
using SeLetters.Hosting;

namespace SeLetters.Tests.Infrastructure;

/// <summary>
/// A test class's hold on the one real PostgreSQL server of the test run, provided exactly as the AppHost provides it
/// (<see cref="LettersDatabaseExtensions.AddLettersDatabase"/>: container, local binaries or external), in a data
/// directory of its own. Each test gets a database of its own, cloned from a migrated template, so classes run in
/// parallel on the one server; it is started by the first class that needs it and stopped when the test run ends
/// (<see cref="TestRunFramework"/>).
/// </summary>
/// <remarks>
/// It used to stop whenever no class held it: whenever both of xunit's threads ran classes without a database, the next
/// class waited for it to stop and start again, with no test running meanwhile.
/// </remarks>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static SharedServer? _shared;
    private static int _databaseCount;

    private SharedServer _server = null!;

    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _shared ??= await SharedServer.StartAsync();
            _server = _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Stops the server, if a class started it; called once, after the last test of the run.</summary>
    internal static async Task StopSharedServerAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_shared is not null)
            {
                await _shared.DisposeAsync();
                _shared = null;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The server's maintenance database, for creating and inspecting databases.</summary>
    public string ServerConnectionString => _server.ConnectionString;

    /// <remarks>
    /// Every test has databases of its own on one server, so idle pooled connections are closed within seconds:
    /// otherwise the pools of finished tests would use up the server's max_connections.
    /// </remarks>
    public string ConnectionStringFor(string database) => _server.ConnectionStringFor(database);

    /// <summary>A new database with the migrated schema and no rows, and the API's role provisioned as the migration service does.</summary>
    public async Task<string> CreateMigratedDatabaseAsync()
    {
        var name = NewDatabaseName();
        await _server.ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {SharedServer.TemplateDatabase}");
        var connectionString = ConnectionStringFor(name);
        await TestApiRole.ProvisionAsync(connectionString);
        return connectionString;
    }

    /// <summary>
    /// A new database holding what <paramref name="fill"/> wrote into a migrated one (given an unpooled connection
    /// string): filled once per server under <paramref name="name"/> and copied for each call, for a class whose tests
    /// each need the same rows and took seconds to write them.
    /// </summary>
    public async Task<string> CreateFilledDatabaseAsync(string name, Func<string, Task> fill)
    {
        var copy = NewDatabaseName();
        await _server.ExecuteAsync($"CREATE DATABASE {copy} TEMPLATE {await _server.FilledTemplateAsync(name, fill)}");
        return ConnectionStringFor(copy);
    }

    /// <summary>A new, empty database (no schema).</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = NewDatabaseName();
        await _server.ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionStringFor(name);
    }

    /// <summary>A name for a database that does not exist yet.</summary>
    public string NewDatabaseName() => $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCount)}";

    public static LettersDbContext CreateContext(string connectionString) =>
        new(new DbContextOptionsBuilder<LettersDbContext>().UseNpgsql(connectionString).UseLettersConventions().Options);

    /// <summary>The server itself and its migrated template database.</summary>
    private sealed class SharedServer(DistributedApplication app, TempFolder dataDirectory, string connectionString) : IAsyncDisposable
    {
        public const string TemplateDatabase = "seletters_template";

        private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _filledTemplates = new();

        public string ConnectionString => connectionString;

        public static async Task<SharedServer> StartAsync()
        {
            var dataDirectory = new TempFolder("postgres");
            // The AppHost's own model, which chooses the server the way `dotnet run` does; the projects are left out
            // (the whole-app tests start them).
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SeLetters_AppHost>(
                [$"Postgres:DataDirectory={dataDirectory.Path}"]);
            foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
            {
                builder.Resources.Remove(project);
            }

            var app = await builder.BuildAsync();

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await app.StartAsync(timeout.Token);

            // In external mode there is no server resource, only the given connection string.
            var server = builder.Resources.OfType<IResourceWithConnectionString>()
                .FirstOrDefault(resource => resource.Name == LettersDatabaseExtensions.ServerResourceName);
            if (server is not null)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(server.Name, timeout.Token);
            }

            server ??= builder.Resources.OfType<IResourceWithConnectionString>()
                .Single(resource => resource.Name == LettersDatabaseExtensions.DatabaseResourceName);
            var maintenance = new NpgsqlConnectionStringBuilder(await server.ConnectionStringExpression.GetValueAsync(timeout.Token))
            {
                Database = "postgres",
                // One server on 2 cores serves every test at once; while a load test saturates it, a new backend took
                // longer than the default 15 s to start (CI, a database created beside ConcurrencyTests).
                Timeout = 60,
            }.ConnectionString;

            var shared = new SharedServer(app, dataDirectory, maintenance);
            await shared.ExecuteAsync($"DROP DATABASE IF EXISTS {TemplateDatabase}");
            await shared.ExecuteAsync($"CREATE DATABASE {TemplateDatabase}");
            // Unpooled: CREATE DATABASE ... TEMPLATE fails while any connection to the template stays open.
            await using var template = CreateContext(shared.ConnectionStringFor(TemplateDatabase) + ";Pooling=false");
            await template.Database.MigrateAsync(timeout.Token);
            return shared;
        }

        public Task<string> FilledTemplateAsync(string name, Func<string, Task> fill) =>
            _filledTemplates.GetOrAdd(name, _ => new Lazy<Task<string>>(async () =>
            {
                var template = $"filled_{name}";
                await ExecuteAsync($"CREATE DATABASE {template} TEMPLATE {TemplateDatabase}");
                // Unpooled, as the template's: a copy fails while any connection to its template stays open.
                await fill(ConnectionStringFor(template) + ";Pooling=false");
                return template;
            })).Value;

        public string ConnectionStringFor(string database) =>
            new NpgsqlConnectionStringBuilder(connectionString)
            {
                Database = database,
                ConnectionIdleLifetime = 2,
                ConnectionPruningInterval = 1,
            }.ConnectionString;

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            dataDirectory.Dispose();
        }
    }
}

/// <summary>
/// Tests that starve or disturb others (a server stopped, a pool run dry, processes killed, a ratio of two timings):
/// xunit runs this collection on its own, after the parallel classes, one test at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "Alone";
}
