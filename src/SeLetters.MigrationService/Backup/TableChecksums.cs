using System.Text.Json.Serialization;
using Npgsql;

namespace SeLetters.MigrationService.Backup;

/// <summary>Row count and content checksum of one table.</summary>
internal sealed record TableChecksum(
    [property: JsonPropertyName("table")] string Table,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("checksum")] string Checksum);

internal static class TableChecksums
{
    /// <summary>
    /// Every table of the public schema, in name order. A table's checksum is the sum of the md5 of each row's text
    /// form (first 60 bits): independent of row order and of the physical layout, constant in memory, and changed by
    /// any changed value, id included. The session settings that shape the text form are fixed first.
    /// </summary>
    public static async Task<IReadOnlyList<TableChecksum>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using (var settings = new NpgsqlCommand("SET LOCAL DateStyle = ISO; SET LOCAL extra_float_digits = 1; SET LOCAL IntervalStyle = postgres", connection, transaction))
        {
            await settings.ExecuteNonQueryAsync(cancellationToken);
        }

        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var checksums = new List<TableChecksum>();
        foreach (var table in tables)
        {
            // The table name comes from the catalog, quoted by quote_ident: nothing from a user reaches this SQL.
            await using var checksum = new NpgsqlCommand(
                $"SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 15))::bit(60)::bigint), 0)::text FROM {table} t",
                connection, transaction);
            await using var reader = await checksum.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            checksums.Add(new TableChecksum(table.Trim('"'), reader.GetInt64(0), reader.GetString(1)));
        }

        return checksums;
    }
}
