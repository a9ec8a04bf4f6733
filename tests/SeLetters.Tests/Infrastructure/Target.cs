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
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static Task<long> CountAsync(string connectionString, string table) => ScalarAsync<long>(connectionString, $"SELECT count(*) FROM {table}");
}
