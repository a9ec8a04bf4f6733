using System.Globalization;
using DuckDB.NET.Data;
using SeLetters.SampleData;

namespace SeLetters.Tests.Import;

/// <summary>Small helpers to read and write the DuckDB files the tests make.</summary>
internal static class DuckDb
{
    public static T Scalar<T>(string path, string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    public static void Execute(string path, params string[] statements)
    {
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        foreach (var sql in statements)
        {
            DuckDbStatements.Execute(connection, sql);
        }
    }

    public static List<string> Columns(string path, string table)
    {
        using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        connection.Open();
        return DuckDbStatements.Columns(connection, table);
    }
}
