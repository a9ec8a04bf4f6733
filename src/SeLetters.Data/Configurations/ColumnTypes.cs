namespace SeLetters.Data.Configurations;

/// <summary>The PostgreSQL types of the seed's DDL that differ from Npgsql's defaults for the CLR type.</summary>
internal static class ColumnTypes
{
    public const string Timestamp = "timestamp without time zone";
    public const string Jsonb = "jsonb";
    public const string CurrentTimestamp = "CURRENT_TIMESTAMP";

    // Written as in the seed ("0.0", not "0"), so the catalogs show the same default expression.
    public const string ZeroReal = "0.0";
}
