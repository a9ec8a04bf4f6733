using System.Data;
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
        var select = string.Join(", ", columns.Select(column => column.Kind == ColumnKind.Json
            // Invalid JSON was imported as a jsonb string: give the old application its text back, not a quoted string.
            ? $"CASE WHEN jsonb_typeof({column.Name}) = 'string' THEN {column.Name} #>> '{{}}' ELSE {column.Name}::text END"
            : column.Name));

        await using var command = new NpgsqlCommand($"SELECT {select} FROM {table.Name} ORDER BY id", source, snapshot);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        using var appender = target.CreateAppender(table.Name);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = appender.CreateRow();
            for (var i = 0; i < columns.Length; i++)
            {
                if (await reader.IsDBNullAsync(i, cancellationToken))
                {
                    row.AppendNullValue();
                    continue;
                }

                _ = columns[i].Kind switch
                {
                    ColumnKind.Integer => row.AppendValue(reader.GetInt32(i)),
                    ColumnKind.Real => row.AppendValue(reader.GetFloat(i)),
                    ColumnKind.Boolean => row.AppendValue(reader.GetBoolean(i)),
                    ColumnKind.Timestamp => row.AppendValue(reader.GetDateTime(i)),
                    _ => row.AppendValue(reader.GetString(i)),
                };
            }

            row.EndRow();
            rows++;
        }

        return rows;
    }

    /// <summary>The next id the old application must get: past max(id) and past the PostgreSQL sequence.</summary>
    private static async Task<long> NextIdAsync(NpgsqlConnection source, NpgsqlTransaction snapshot, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT greatest((SELECT coalesce(max(id), 0) + 1 FROM {table}), (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {table}_id_seq))",
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
