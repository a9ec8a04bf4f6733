namespace SeLetters.Data;

/// <summary>Names that must go into SQL text (database, table, column names), never values: those are parameters.</summary>
public static class SqlIdentifier
{
    /// <summary>A double-quoted identifier, as PostgreSQL and DuckDB read it: embedded quotes doubled.</summary>
    public static string Quote(string identifier) => '"' + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';
}
