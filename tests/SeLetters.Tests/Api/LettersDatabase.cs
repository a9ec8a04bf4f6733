using Npgsql;

namespace SeLetters.Tests.Api;

/// <summary>A test's letters database, read and written directly, beside the API.</summary>
public static class LettersDatabase
{
    private const string FingerprintSql = """
        SELECT concat_ws(' ',
            (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text || t.xmin::text, '|' ORDER BY id)), '') FROM letters t),
            (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text || t.xmin::text, '|' ORDER BY id)), '') FROM letter_products t),
            (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text || t.xmin::text, '|' ORDER BY id)), '') FROM letter_product_matches t),
            (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text || t.xmin::text, '|' ORDER BY id)), '') FROM processing_debug t))
        """;

    /// <summary>The rows of the four letter tables, and who wrote them last (xmin): equal before and after a request that wrote nothing.</summary>
    public static async Task<string> FingerprintAsync(string connectionString) => (string)(await ScalarAsync(connectionString, FingerprintSql))!;

    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The ids of every stored letter.</summary>
    public static async Task<List<int>> LetterIdsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM letters ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<int>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }
}
