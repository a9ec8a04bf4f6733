using System.Buffers.Binary;
using System.Data;
using System.Text.Json;
using DuckDB.NET.Data;
using Npgsql;
using SeLetters.MigrationService.Import;
using SeLetters.SampleData.Letters;
using static SeLetters.SampleData.DuckDbStatements;

namespace SeLetters.MigrationService.Export;

/// <summary>
/// Writes the PostgreSQL data back into a letters.duckdb of the original application's newest format (the same tables,
/// column names and DuckDB types as the source files; JSON as VARCHAR; sequences past max(id)), so the old application
/// can run on it again. The file is written under a temporary name and renamed when complete.
/// </summary>
internal sealed partial class DuckDbExporter(ILogger<DuckDbExporter> logger)
{
    // The newest shape the original application created: every table and column it ever had.
    private static readonly LettersSampleOptions NewestFormat = new()
    {
        ColumnOrder = LettersColumnOrder.Current,
        WithMatchesTable = true,
        WithProductScoreColumns = true,
        WithDebugErrorMessage = true,
        WithForeignKeys = true,
    };

    private static readonly Dictionary<string, string> SequenceOf = new()
    {
        ["letters"] = "letters_id_seq",
        ["letter_products"] = "products_id_seq",
        ["letter_product_matches"] = "matches_id_seq",
        ["processing_debug"] = "debug_id_seq",
    };

    public async Task ExportAsync(NpgsqlConnection source, string outputPath, CancellationToken cancellationToken)
    {
        var output = Path.GetFullPath(outputPath);
        if (File.Exists(output))
        {
            throw new OperatorException($"{output} exists; export into a new file (the existing one is never overwritten).");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await EnsureDiskSpaceAsync(source, output, cancellationToken);

        var partial = output + ".partial";
        DeleteDuckDbFiles(partial);
        try
        {
            // One snapshot for every table: the file is a consistent picture even while the API keeps writing.
            await using var snapshot = await source.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            using (var target = new DuckDBConnection($"Data Source={partial}"))
            {
                target.Open();
                // DuckDB's buffer manager would otherwise take up to 80 % of the machine's memory.
                Execute(target, "SET memory_limit = '256MB'; SET threads = 1");
                foreach (var table in TargetSchema.Tables)
                {
                    var next = await NextIdAsync(source, snapshot, table.Name, cancellationToken);
                    Execute(target, $"CREATE SEQUENCE {SequenceOf[table.Name]} START {next}");
                }

                LettersSourceSchema.Create(target, NewestFormat);
                foreach (var table in TargetSchema.Tables)
                {
                    var rows = await CopyTableAsync(source, snapshot, target, table, cancellationToken);
                    LogTableExported(logger, table.Name, rows);
                }

                Execute(target, "CHECKPOINT");
            }

            await snapshot.CommitAsync(cancellationToken);
            File.Move(partial, output);
            LogExported(logger, output);
        }
        finally
        {
            DeleteDuckDbFiles(partial);
        }
    }

    private static async Task<long> CopyTableAsync(
        NpgsqlConnection source, NpgsqlTransaction snapshot, DuckDBConnection target, TargetTable table, CancellationToken cancellationToken)
    {
        // The DuckDB table's own column order, so each appended row lines up with it.
        var columns = Columns(target, table.Name).Select(table.Column).ToArray();
        var idIndex = Array.FindIndex(columns, column => column.Name == "id");
        // Timestamps as PostgreSQL's own 64 bits: DateTime holds neither ±infinity nor the years outside 1–9999.
        var select = string.Join(", ", columns.Select(column => column.Kind switch
        {
            ColumnKind.Timestamp => $"timestamp_send({column.Name})",
            ColumnKind.Json => $"{column.Name}::text",
            _ => column.Name,
        }));

        await using var command = new NpgsqlCommand($"SELECT {select} FROM {table.Name} ORDER BY id", source, snapshot);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var outsideDateTime = new List<(int Id, string Column, PostgresTimestamp Value)>();
        long rows = 0;
        using (var appender = target.CreateAppender(table.Name))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = appender.CreateRow();
                var id = 0;
                for (var i = 0; i < columns.Length; i++)
                {
                    if (await reader.IsDBNullAsync(i, cancellationToken))
                    {
                        row.AppendNullValue();
                        continue;
                    }

                    switch (columns[i].Kind)
                    {
                        case ColumnKind.Integer:
                            var number = reader.GetInt32(i);
                            id = i == idIndex ? number : id;
                            row.AppendValue(number);
                            break;
                        case ColumnKind.Real:
                            row.AppendValue(reader.GetFloat(i));
                            break;
                        case ColumnKind.Boolean:
                            row.AppendValue(reader.GetBoolean(i));
                            break;
                        case ColumnKind.Timestamp:
                            var timestamp = new PostgresTimestamp(BinaryPrimitives.ReadInt64BigEndian(reader.GetFieldValue<byte[]>(i)));
                            if (timestamp.ToDateTime() is { } dateTime)
                            {
                                row.AppendValue(dateTime);
                            }
                            else
                            {
                                row.AppendNullValue(); // set below: the appender takes DateTime only
                                outsideDateTime.Add((id, columns[i].Name, timestamp));
                            }

                            break;
                        case ColumnKind.Json:
                            row.AppendValue(OriginalJsonText(reader.GetString(i)));
                            break;
                        default:
                            row.AppendValue(reader.GetString(i));
                            break;
                    }
                }

                row.EndRow();
                rows++;
            }
        }

        foreach (var (id, column, value) in outsideDateTime)
        {
            Execute(target, $"UPDATE {table.Name} SET {column} = {DuckDbLiteral(table.Name, id, column, value)} WHERE id = {id}");
        }

        return rows;
    }

    /// <summary>
    /// The text that imports back as this jsonb: a string the import made of text that was not JSON (truncated LLM
    /// output) goes back as that text, for the old application; any other value, a string that reads as JSON
    /// included ("123"), as its JSON text.
    /// </summary>
    private static string OriginalJsonText(string jsonb) =>
        jsonb.StartsWith('"') && JsonSerializer.Deserialize<string>(jsonb) is { } text && RowConverter.IsJsonKeptAsString(text) ? text : jsonb;

    private static string DuckDbLiteral(string table, int id, string column, PostgresTimestamp value) => value.ToDuckDb() switch
    {
        { IsPositiveInfinity: true } => "CAST('infinity' AS TIMESTAMP)",
        { IsNegativeInfinity: true } => "CAST('-infinity' AS TIMESTAMP)",
        { } timestamp => $"make_timestamp(CAST({timestamp.ToDuckDBTimestampStruct().Micros} AS BIGINT))",
        null => throw new OperatorException(
            $"{table} id {id} has {column} = {value}, past DuckDB's latest timestamp (294247-01-10 04:00:54.775806): DuckDB cannot hold it. Correct the value, then export again."),
    };

    /// <summary>The next id the old application must get: past max(id) and past the PostgreSQL sequence.</summary>
    private static async Task<long> NextIdAsync(NpgsqlConnection source, NpgsqlTransaction snapshot, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT greatest((SELECT coalesce(max(id), 0)::bigint + 1 FROM {table}), (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {table}_id_seq))",
            source, snapshot);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task EnsureDiskSpaceAsync(NpgsqlConnection source, string output, CancellationToken cancellationToken)
    {
        // DuckDB compresses; the tables' size in PostgreSQL is a safe upper bound for the file.
        await using var command = new NpgsqlCommand(
            "SELECT sum(pg_total_relation_size(c))::bigint FROM unnest(ARRAY['letters','letter_products','letter_product_matches','processing_debug']::regclass[]) c",
            source);
        var needed = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        var free = new DriveInfo(Path.GetDirectoryName(output)!).AvailableFreeSpace;
        if (free < needed)
        {
            throw new OperatorException($"Not enough disk space for {output}: {free / 1_048_576} MiB free, up to {needed / 1_048_576} MiB needed.");
        }
    }

    private static void DeleteDuckDbFiles(string path)
    {
        File.Delete(path);
        File.Delete(path + ".wal");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Rows} rows of {Table}")]
    private static partial void LogTableExported(ILogger logger, string table, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Path} in the original letters.duckdb format")]
    private static partial void LogExported(ILogger logger, string path);
}
