using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SeLetters.Data;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Api;

/// <summary>What the sessions of the API's <see cref="LettersDbContext"/> are, asked of PostgreSQL through its own connection.</summary>
public sealed class ConnectionTuningTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    // Npgsql prepares a statement automatically from its fifth use on (AutoPrepareMinUsages).
    private const int Uses = 6;

    // The statistics fold takes a session from the same pool every second: while it holds the probed one, the search for
    // that session below only finds new ones. Without the fold, the test's sessions are the pool's only users.
    private static readonly (string, string?) NoFold = ("Api:StatisticsFoldInterval", "01:00:00");

    [Fact]
    public async Task Requests_use_prepared_statements_and_skip_the_pool_reset_unless_the_connection_string_says_otherwise()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync(), NoFold);

        var session = await SessionAsync(api);

        Assert.Equal("off", session.Jit);
        Assert.Equal("0", session.ParallelWorkersPerGather);
        Assert.True(session.PreparedStatements > 0, "no statement was prepared");
        Assert.Equal("kept", session.SettingAfterReopen);
    }

    [Fact]
    public async Task Settings_written_in_the_connection_string_are_kept()
    {
        var written = new NpgsqlConnectionStringBuilder(await postgres.CreateMigratedDatabaseAsync())
        {
            MaxAutoPrepare = 0,
            NoResetOnClose = false,
            MaxPoolSize = LettersApiFactory.MaxPoolSize,
        }.ConnectionString;
        await using var api = LettersApiFactory.For(written, ("ConnectionStrings:lettersdb", written), NoFold);

        var session = await SessionAsync(api);

        Assert.Equal(0, session.PreparedStatements);
        Assert.Equal("", session.SettingAfterReopen);
    }

    private sealed record Session(string Jit, string ParallelWorkersPerGather, long PreparedStatements, string SettingAfterReopen);

    /// <summary>
    /// The settings of a session of the context's connection, the statements it prepared after one query ran
    /// <see cref="Uses"/> times, and whether a setting made before the connection went back to the pool survived.
    /// </summary>
    private static async Task<Session> SessionAsync(LettersApiFactory api)
    {
        int backend;
        string jit, workers;
        long prepared;
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var connection = await OpenAsync(scope);
            backend = connection.ProcessID;
            jit = await ScalarAsync<string>(connection, "SHOW jit");
            workers = await ScalarAsync<string>(connection, "SHOW max_parallel_workers_per_gather");
            for (var i = 0; i < Uses; i++)
            {
                await using var query = new NpgsqlCommand("SELECT count(*) FROM letters WHERE id > $1", connection) { Parameters = { new() { Value = i } } };
                await query.ExecuteScalarAsync();
            }

            prepared = await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_prepared_statements");
            await ScalarAsync<string>(connection, "SELECT set_config('seletters.probe', 'kept', false)");
        }

        // The pool hands out every idle connection before it opens a new one (the API's start may have opened more):
        // contexts are opened until one has that session again.
        var scopes = new List<AsyncServiceScope>();
        try
        {
            while (true)
            {
                var scope = api.Services.CreateAsyncScope();
                scopes.Add(scope);
                var connection = await OpenAsync(scope);
                if (connection.ProcessID == backend)
                {
                    var setting = await ScalarAsync<string>(connection, "SELECT coalesce(current_setting('seletters.probe', true), '')");
                    return new Session(jit, workers, prepared, setting);
                }

                Assert.True(scopes.Count < LettersApiFactory.MaxPoolSize, "the pool never handed the first session out again");
            }
        }
        finally
        {
            foreach (var scope in scopes)
            {
                await scope.DisposeAsync();
            }
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(AsyncServiceScope scope)
    {
        var connection = (NpgsqlConnection)scope.ServiceProvider.GetRequiredService<LettersDbContext>().Database.GetDbConnection();
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
