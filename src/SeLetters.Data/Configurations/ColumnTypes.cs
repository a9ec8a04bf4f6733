namespace SeLetters.Data.Configurations;

/// <summary>The PostgreSQL types of the seed's DDL that differ from Npgsql's defaults for the CLR type.</summary>
internal static class ColumnTypes
{
    public const string Timestamp = "timestamp without time zone";
    public const string Jsonb = "jsonb";

    // The seed's CURRENT_TIMESTAMP gives the session's local time: these columns hold UTC whatever the server's TimeZone.
    public const string UtcNow = "(now() AT TIME ZONE 'UTC')";

    // Written as in the seed ("0.0", not "0"), so the catalogs show the same default expression.
    public const string ZeroReal = "0.0";
}
