using DuckDB.NET.Data;

namespace SeLetters.SampleData;

/// <summary>Runs DDL and settings on a DuckDB connection: every writer of a DuckDB file here needs it.</summary>
public static class DuckDbStatements
{
    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
