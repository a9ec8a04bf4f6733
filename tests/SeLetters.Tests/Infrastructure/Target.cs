using Npgsql;

namespace SeLetters.Tests.Infrastructure;

/// <summary>One-statement reads and writes on a test's database, outside the code under test.</summary>
internal static class Target
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await ExecuteAsync(connection, sql);
    }

    /// <summary>A session of the test's own, for what needs one: a setting, a transaction held open, a lock.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Writes over and over on a session of its own, each statement committing at once (the statement for the n-th write
    /// from <paramref name="statement"/>), until <paramref name="stop"/> is cancelled; how many it wrote. What a request
    /// under test races against.
    /// </summary>
    public static Task<int> WriteUntilStoppedAsync(string connectionString, Func<int, string> statement, CancellationToken stop) =>
        Task.Run(async () =>
        {
            await using var connection = await OpenAsync(connectionString);
            var count = 0;
            while (!stop.IsCancellationRequested)
            {
                await ExecuteAsync(connection, statement(count++));
            }

            return count;
        });

    /// <summary>The first column of every row, as text.</summary>
    public static async Task<List<string>> StringsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>
    /// Closes the idle sessions of this connection string's pool (busy ones close when they come back). Never every pool of
    /// the process: the classes run in parallel, and another test may be holding on to a session of its own pool.
    /// </summary>
    public static void ClearPool(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    public static Task<long> CountAsync(string connectionString, string table) => ScalarAsync<long>(connectionString, $"SELECT count(*) FROM {table}");
}
