using System.Data;
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using SeLetters.Data;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// Imports letters.duckdb into the migrated database: per table, parents before children, one transaction that streams
/// the new rows with binary COPY, puts the rows that break a constraint in migration_quarantine and records the table
/// in import_table_progress. Rows whose id is already there are skipped (after checking their content is the same), so
/// a rerun imports nothing, a newer copy only its new rows, and a run killed mid-way loses only its open table.
/// </summary>
internal sealed partial class LettersImporter(ImportVerifier verifier, ImportTelemetry telemetry, ILogger<LettersImporter> logger)
{
    // Another fixed key than the migration lock's: one import at a time per database.
    private const long ImportLockKey = 0x5345_4c45_5449_4d50; // "SELETIMP"
    private const int ProgressEvery = 50_000;

    /// <summary>Imports every table; returns, per table, the source checksums the verification compares with the target.</summary>
    public async Task<Dictionary<string, SourceChecksums>> ImportAsync(
        SourceDatabase source, List<TableShape> shapes, NpgsqlConnection connection, ImportReport report, CancellationToken cancellationToken)
    {
        if (!await TryLockAsync(connection, cancellationToken))
        {
            throw new OperatorException("Another import into this database is running; wait for it to finish, then run this one again.");
        }

        // Row triggers keep derived tables current (statistics totals, product search text); for a bulk load they would
        // cost more than the load itself, so this session skips them and rebuilds those tables once at the end.
        await using (var bulkLoad = new NpgsqlCommand($"SELECT set_config('{BulkLoad.Setting}', 'on', false)", connection))
        {
            await bulkLoad.ExecuteNonQueryAsync(cancellationToken);
        }

        var section = new ImportSection();
        report.Import = section;

        // Indexes a killed run dropped for its load and did not build again: built first, whatever happens next.
        if (await BulkLoadIndexes.BuildRecordedAsync(connection, null, cancellationToken) is > 0 and var rebuilt)
        {
            LogIndexesRestored(logger, rebuilt);
        }

        // The target must not hold other data under the same ids: checked for every table before anything is written.
        foreach (var shape in shapes.Where(shape => shape.Present))
        {
            if (await ScalarAsync<long>(connection, $"SELECT count(*) FROM {shape.Target.Name}", cancellationToken) == 0)
            {
                continue;
            }

            var comparison = await verifier.VerifyTableAsync(source, shape, connection, cancellationToken);
            if (comparison.ChecksumMismatches > 0)
            {
                throw new OperatorException(
                    $"The target database already holds different data for {comparison.ChecksumMismatches} {shape.Target.Name} row(s) with the same ids as the source " +
                    $"(ids {string.Join(", ", comparison.ChecksumMismatchIds.Take(10))}{(comparison.ChecksumMismatches > 10 ? ", ..." : "")}); nothing was imported. " +
                    "Import into an empty database, or find out which copy is right before importing.");
            }
        }

        await using (var interrupted = new NpgsqlCommand(
            "UPDATE import_runs SET status = 'interrupted', finished_at = CURRENT_TIMESTAMP WHERE status = 'running' RETURNING id", connection))
        await using (var reader = await interrupted.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                section.InterruptedRunsResumed.Add(reader.GetInt32(0));
            }
        }

        if (section.InterruptedRunsResumed.Count > 0)
        {
            LogResuming(logger, string.Join(", ", section.InterruptedRunsResumed));
        }

        await using (var start = new NpgsqlCommand("INSERT INTO import_runs (source_path) VALUES (@source) RETURNING id", connection))
        {
            start.Parameters.AddWithValue("source", source.Path);
            section.RunId = (int)(await start.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var indexes = new BulkLoadIndexes(connection, logger);
        var idsByTable = new Dictionary<string, IdSet>();
        var checksums = new Dictionary<string, SourceChecksums>();
        var maxSourceIds = new Dictionary<string, long>();
        try
        {
            foreach (var shape in shapes)
            {
                var table = new TableImport
                {
                    Table = shape.Target.Name, InSource = shape.Present, MissingColumns = shape.Missing, UnknownColumns = shape.Unknown,
                };
                section.Tables.Add(table);
                var sums = checksums[shape.Target.Name] = new SourceChecksums();
                idsByTable[shape.Target.Name] = await ImportTableAsync(source, shape, connection, indexes, section.RunId, table, sums, idsByTable, maxSourceIds, cancellationToken);
            }

            // The verification needs the target's checksums but not its indexes: read them while the builds still run.
            foreach (var shape in shapes)
            {
                var clock = Stopwatch.StartNew();
                checksums[shape.Target.Name].Target = await ImportVerifier.ReadTargetSumAsync(shape, connection, cancellationToken);
                checksums[shape.Target.Name].TargetSeconds = clock.Elapsed.TotalSeconds;
            }

            var wait = Stopwatch.StartNew();
            await indexes.WaitAsync();
            section.IndexBuildWaitSeconds = Math.Round(wait.Elapsed.TotalSeconds, 3);
            foreach (var shape in shapes)
            {
                section.Sequences.Add(await AdvanceSequenceAsync(connection, shape, maxSourceIds.GetValueOrDefault(shape.Target.Name), cancellationToken));
            }

            // Also after nothing new when an earlier run was stopped: it may have loaded rows it never counted.
            if (section.RowsImported > 0 || section.InterruptedRunsResumed.Count > 0)
            {
                await using var rebuild = new NpgsqlCommand(BulkLoad.RefreshSql, connection);
                await rebuild.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // When the failure broke the connection, the run stays 'running' and the next run resumes it; what the
            // operator must see is the failure itself, not "connection is not open" from recording it.
            if (connection.FullState == ConnectionState.Open)
            {
                await using var failed = new NpgsqlCommand("UPDATE import_runs SET status = 'failed', finished_at = CURRENT_TIMESTAMP WHERE id = @id", connection);
                failed.Parameters.AddWithValue("id", section.RunId);
                await failed.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await RebuildAfterFailureAsync(connection, indexes);
            throw;
        }

        var total = section.RowsImported;
        if (total == 0)
        {
            LogNothingNew(logger, source.Path);
        }

        return checksums;
    }

    /// <summary>
    /// Without a source (the AppHost's default run): builds the indexes an interrupted import dropped for its load, so
    /// the API does not run without them; left to the running import when there is one.
    /// </summary>
    public async Task BuildDroppedIndexesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!await TryLockAsync(connection, cancellationToken))
        {
            return;
        }

        if (await BulkLoadIndexes.BuildRecordedAsync(connection, null, cancellationToken) is > 0 and var rebuilt)
        {
            LogIndexesRestored(logger, rebuilt);
        }

        await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
        unlock.Parameters.AddWithValue("key", ImportLockKey);
        await unlock.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A failed run builds the indexes it dropped before it reports the failure, so the API is not left without them;
    /// if that fails too (the connection is gone), they stay recorded for the next run, as after a kill.
    /// </summary>
    private async Task RebuildAfterFailureAsync(NpgsqlConnection connection, BulkLoadIndexes indexes)
    {
        try
        {
            await indexes.WaitAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            // The builds still recorded are taken over below.
        }

        try
        {
            await BulkLoadIndexes.BuildRecordedAsync(connection, null, CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            LogIndexesLeftRecorded(logger, OperatorException.FirstLine(exception.Message));
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        tryLock.Parameters.AddWithValue("key", ImportLockKey);
        return (bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records the end of the run with its report.</summary>
    public static async Task FinishRunAsync(NpgsqlConnection connection, ImportReport report, CancellationToken cancellationToken)
    {
        if (report.Import is not { RunId: > 0 } import)
        {
            return;
        }

        await using var finish = new NpgsqlCommand(
            "UPDATE import_runs SET status = 'completed', finished_at = CURRENT_TIMESTAMP, report = @report WHERE id = @id", connection);
        finish.Parameters.AddWithValue("id", import.RunId);
        finish.Parameters.Add(new NpgsqlParameter("report", NpgsqlDbType.Jsonb) { Value = report.ToJson() });
        await finish.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IdSet> ImportTableAsync(
        SourceDatabase source, TableShape shape, NpgsqlConnection connection, BulkLoadIndexes indexes, int runId, TableImport table, SourceChecksums sums,
        Dictionary<string, IdSet> idsByTable, Dictionary<string, long> maxSourceIds, CancellationToken cancellationToken)
    {
        var name = shape.Target.Name;
        using var activity = ImportTelemetry.ActivitySource.StartActivity($"Importing {name}");
        activity?.SetTag("db.table", name);

        // Ids already handled by an earlier run: in the table, or in the quarantine.
        var existing = await ReadIdsAsync(connection, $"SELECT id FROM {name}", null, cancellationToken);
        var quarantinedBefore = await ReadIdsAsync(connection, "SELECT source_id FROM migration_quarantine WHERE source_table = @table", name, cancellationToken);
        if (!shape.Present)
        {
            LogTableAbsent(logger, name);
            await RecordProgressAsync(connection, runId, table, cancellationToken);
            return existing;
        }

        var parents = shape.Target.Parents
            .Select(parent => (Index: shape.Mapped.FindIndex(mapped => mapped.Column.Name == parent.Column), parent.Column, parent.ParentTable, Ids: idsByTable[parent.ParentTable]))
            .ToList();
        var converter = new RowConverter(shape);
        var checksum = new RowChecksum();
        var rowPolicies = new PolicyCounts();
        // Only the ids of the quarantined rows are kept; their rows are read again afterwards: memory stays constant.
        var quarantined = new IdSet();
        var seen = new IdSet();
        long maxId = 0;
        var clock = Stopwatch.StartNew();
        var total = source.Count(shape);
        var progress = new TerminalProgress();
        var columns = string.Join(", ", shape.Mapped.Select(mapped => mapped.Column.Name));
        var tags = new KeyValuePair<string, object?>("table", name);

        // Into an empty table (the first import, the cut-over) the secondary indexes are built once after the load.
        var dropped = existing.Count == 0 && total > 0 ? await indexes.DropAsync(name, runId, cancellationToken) : 0;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var writer = await connection.BeginBinaryImportAsync($"COPY {name} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var row in source.ReadRows(shape))
            {
                cancellationToken.ThrowIfCancellationRequested();
                table.SourceRows++;
                var id = converter.ReadId(row);
                maxId = Math.Max(maxId, id);
                if (!seen.Add(id))
                {
                    throw new OperatorException($"The source table {name} holds id {id} twice; a letters.duckdb has a primary key on id, so this file is damaged.");
                }

                // Every row is converted and checksummed, also those already there: the verification compares the
                // target with these sums instead of reading the source a second time.
                rowPolicies.Clear();
                converter.Convert(row, rowPolicies);
                sums.Policies.Add(rowPolicies);
                var rowChecksum = checksum.Compute(converter);
                if (quarantinedBefore.Contains(id))
                {
                    sums.QuarantinedRows++;
                    table.AlreadyPresent++;
                    continue;
                }

                if (existing.Contains(id))
                {
                    sums.Expect(rowChecksum);
                    table.AlreadyPresent++;
                    continue;
                }

                if (Problem(converter, parents) is { } reason)
                {
                    sums.QuarantinedRows++;
                    quarantined.Add(id);
                    if (quarantined.Count <= 20)
                    {
                        LogQuarantined(logger, name, id, reason);
                    }

                    continue;
                }

                sums.Expect(rowChecksum);
                table.Policies.Add(rowPolicies);
                writer.StartRow();
                for (var i = 0; i < shape.Mapped.Count; i++)
                {
                    Write(writer, shape.Mapped[i].Column.Kind, converter.Values[i]);
                }

                existing.Add(id);
                table.Imported++;
                if ((table.Imported & 1023) == 0)
                {
                    progress.Update(name, table.SourceRows, total, table.Imported / Math.Max(clock.Elapsed.TotalSeconds, 0.001));
                }

                if (table.Imported % ProgressEvery == 0)
                {
                    telemetry.Rows.Add(ProgressEvery, tags);
                    LogProgress(logger, name, table.Imported, table.Imported / Math.Max(clock.Elapsed.TotalSeconds, 0.001));
                }
            }

            progress.Update(name, table.SourceRows, total, table.Imported / Math.Max(clock.Elapsed.TotalSeconds, 0.001), force: true);
            await writer.CompleteAsync(cancellationToken);
            progress.Done();
        }

        if (quarantined.Count > 0)
        {
            await using var writer = await connection.BeginBinaryImportAsync(
                "COPY migration_quarantine (source_table, source_id, source_row, reason, import_run_id) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in source.ReadRows(shape))
            {
                var id = converter.ReadId(row);
                if (!quarantined.Contains(id))
                {
                    continue;
                }

                converter.Convert(row, null);
                writer.StartRow();
                writer.Write(name, NpgsqlDbType.Text);
                writer.Write(id, NpgsqlDbType.Integer);
                writer.Write(RowConverter.SourceRowJson(shape, row), NpgsqlDbType.Jsonb);
                writer.Write(Problem(converter, parents)!, NpgsqlDbType.Text);
                writer.Write(runId, NpgsqlDbType.Integer);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        table.Quarantined = quarantined.Count;
        sums.SourceRows = table.SourceRows;
        await RecordProgressAsync(connection, runId, table, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (dropped > 0)
        {
            // Built on the second connection while the next table is copied; the verification waits for them.
            table.IndexesRebuilt = dropped;
            indexes.StartBuild(name, seconds => table.IndexSeconds = Math.Round(seconds, 3), cancellationToken);
        }

        telemetry.Rows.Add(table.Imported % ProgressEvery, tags);
        telemetry.Quarantined.Add(table.Quarantined, tags);
        table.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        table.RowsPerSecond = Math.Round(table.Imported / Math.Max(clock.Elapsed.TotalSeconds, 0.001));
        activity?.SetTag("seletters.import.rows", table.Imported);
        activity?.SetTag("seletters.import.quarantined", table.Quarantined);
        maxSourceIds[name] = maxId;
        LogTableImported(logger, name, table.Imported, table.Seconds, table.RowsPerSecond, table.Quarantined, table.AlreadyPresent);

        return existing;
    }

    /// <summary>Why the converted row cannot go into its table: a NULL or out-of-range value, or a parent that is not there.</summary>
    private static string? Problem(RowConverter converter, List<(int Index, string Column, string ParentTable, IdSet Ids)> parents)
    {
        if (converter.Problem is { } problem)
        {
            return problem;
        }

        foreach (var parent in parents)
        {
            if (converter.Values[parent.Index] is int parentId && !parent.Ids.Contains(parentId))
            {
                return $"{parent.Column} = {parentId}: no such row in {parent.ParentTable}";
            }
        }

        return null;
    }

    private static void Write(NpgsqlBinaryImporter writer, ColumnKind kind, object? value)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }

        switch (kind)
        {
            case ColumnKind.Integer:
                writer.Write((int)value, NpgsqlDbType.Integer);
                break;
            case ColumnKind.Real:
                writer.Write((float)value, NpgsqlDbType.Real);
                break;
            case ColumnKind.Boolean:
                writer.Write((bool)value, NpgsqlDbType.Boolean);
                break;
            case ColumnKind.Timestamp:
                // Binary COPY carries no types: a timestamp field is PostgreSQL's int64 of microseconds since 2000, which
                // is written as such because DateTime cannot hold PostgreSQL's whole range (and Npgsql would turn
                // DateTime.MinValue into -infinity).
                writer.Write(((PostgresTimestamp)value).Microseconds, NpgsqlDbType.Bigint);
                break;
            case ColumnKind.Json:
                writer.Write((string)value, NpgsqlDbType.Jsonb);
                break;
            default:
                writer.Write((string)value, NpgsqlDbType.Text);
                break;
        }
    }

    private static async Task RecordProgressAsync(NpgsqlConnection connection, int runId, TableImport table, CancellationToken cancellationToken)
    {
        await using var progress = new NpgsqlCommand(
            "INSERT INTO import_table_progress (run_id, table_name, imported, quarantined, already_present) VALUES (@run, @table, @imported, @quarantined, @present)",
            connection);
        progress.Parameters.AddWithValue("run", runId);
        progress.Parameters.AddWithValue("table", table.Table);
        progress.Parameters.AddWithValue("imported", table.Imported);
        progress.Parameters.AddWithValue("quarantined", table.Quarantined);
        progress.Parameters.AddWithValue("present", table.AlreadyPresent);
        await progress.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves the table's sequence past max(id), past the largest source id (quarantined rows too) and past the source sequence.</summary>
    private static async Task<SequenceSetting> AdvanceSequenceAsync(NpgsqlConnection connection, TableShape shape, long maxSourceId, CancellationToken cancellationToken)
    {
        var name = shape.Target.Name;
        var sequence = await ScalarAsync<string>(connection, $"SELECT pg_get_serial_sequence('{name}', 'id')", cancellationToken);
        var maxTarget = await ScalarAsync<long>(connection, $"SELECT coalesce(max(id), 0)::bigint FROM {name}", cancellationToken);
        var current = await ScalarAsync<long>(connection, $"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}", cancellationToken);
        var value = new[] { maxTarget, maxSourceId, shape.SequenceLastValue ?? 0, current }.Max();
        if (value > current)
        {
            await using var set = new NpgsqlCommand("SELECT setval(@sequence::regclass, @value, true)", connection);
            set.Parameters.AddWithValue("sequence", sequence);
            set.Parameters.AddWithValue("value", value);
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        return new SequenceSetting(name, sequence, Math.Max(value, current));
    }

    private static async Task<IdSet> ReadIdsAsync(NpgsqlConnection connection, string sql, string? table, CancellationToken cancellationToken)
    {
        var ids = new IdSet();
        await using var command = new NpgsqlCommand(sql, connection);
        if (table is not null)
        {
            command.Parameters.AddWithValue("table", table);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A previous import (run {Runs}) was interrupted; the tables it finished are kept, the rest is imported now")]
    private static partial void LogResuming(ILogger logger, string runs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: not in the source file; nothing to import")]
    private static partial void LogTableAbsent(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: {Rows} rows so far ({RowsPerSecond:F0} rows/s)")]
    private static partial void LogProgress(ILogger logger, string table, long rows, double rowsPerSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: {Rows} rows imported in {Seconds:F1} s ({RowsPerSecond:F0} rows/s), {Quarantined} quarantined, {AlreadyPresent} already present")]
    private static partial void LogTableImported(ILogger logger, string table, long rows, double seconds, double rowsPerSecond, long quarantined, long alreadyPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Built {Count} secondary index(es) that an interrupted import had dropped for its load")]
    private static partial void LogIndexesRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The secondary indexes dropped for the load could not be built after the failure ({Error}); the next run of the migration service builds them")]
    private static partial void LogIndexesLeftRecorded(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Table} id {Id} quarantined: {Reason}")]
    private static partial void LogQuarantined(ILogger logger, string table, int id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Nothing new in {Source}: every row is already imported or quarantined (0 rows imported)")]
    private static partial void LogNothingNew(ILogger logger, string source);
}
