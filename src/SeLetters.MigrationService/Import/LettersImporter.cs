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

    /// <summary>Imports every table; returns, per table, the source checksums the verification compares with the target.</summary>
    public async Task<Dictionary<string, SourceChecksums>> ImportAsync(
        SourceDatabase source, List<TableShape> shapes, NpgsqlConnection connection, ImportReport report, CancellationToken cancellationToken)
    {
        if (!await TryLockAsync(connection, cancellationToken))
        {
            throw new OperatorException("Another import into this database is running; wait for it to finish, then run this one again.");
        }

        await SkipRowTriggersAsync(connection, cancellationToken);
        var section = new ImportSection();
        report.Import = section;
        await BuildIndexesLeftDroppedAsync(connection, cancellationToken);
        await CheckTargetHoldsNoOtherDataAsync(source, shapes, connection, cancellationToken);
        section.InterruptedRunsResumed.AddRange(await TakeOverInterruptedRunsAsync(connection, cancellationToken));
        section.RunId = await StartRunAsync(source, connection, cancellationToken);

        await using var indexes = new BulkLoadIndexes(connection, logger);
        var loads = new List<TableLoad>();
        try
        {
            var idsByTable = new Dictionary<string, IdSet>();
            foreach (var shape in shapes)
            {
                var load = new TableLoad(source, shape, connection, section.RunId, idsByTable, telemetry, logger);
                loads.Add(load);
                section.Tables.Add(load.Report);
                idsByTable[load.Name] = await ImportTableAsync(load, indexes, cancellationToken);
            }

            await ReadTargetSumsAsync(loads, cancellationToken);
            var wait = Stopwatch.StartNew();
            await indexes.WaitAsync();
            section.IndexBuildWaitSeconds = Math.Round(wait.Elapsed.TotalSeconds, 3);
            foreach (var load in loads)
            {
                section.Sequences.Add(await AdvanceSequenceAsync(connection, load.Shape, load.MaxSourceId, cancellationToken));
            }

            // Also after nothing new when an earlier run was stopped: it may have loaded rows it never counted.
            if (section.RowsImported > 0 || section.InterruptedRunsResumed.Count > 0)
            {
                await RefreshDerivedTablesAsync(connection, indexes, section.RunId, cancellationToken);
                var vacuum = Stopwatch.StartNew();
                await VacuumAsync(connection, loads, cancellationToken);
                section.VacuumSeconds = Math.Round(vacuum.Elapsed.TotalSeconds, 3);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await MarkRunFailedAsync(connection, section.RunId);
            await RebuildAfterFailureAsync(connection, indexes);
            throw;
        }

        if (section.RowsImported == 0)
        {
            LogNothingNew(logger, source.Path);
        }

        return loads.ToDictionary(load => load.Name, load => load.Sums);
    }

    /// <summary>One table, parents before children, step by step; returns the ids now in the table (the children's parents).</summary>
    private async Task<IdSet> ImportTableAsync(TableLoad load, BulkLoadIndexes indexes, CancellationToken cancellationToken)
    {
        using var activity = ImportTelemetry.ActivitySource.StartActivity($"Importing {load.Name}");
        activity?.SetTag("db.table", load.Name);
        await load.ReadIdsHandledBeforeAsync(cancellationToken);
        if (!load.Shape.Present)
        {
            LogTableAbsent(logger, load.Name);
            await load.RecordProgressAsync(cancellationToken);
            return load.Present;
        }

        // Into an empty table (the first import, the cut-over) the secondary indexes are built once after the load.
        var dropped = load.Present.Count == 0 && load.SourceRowCount > 0 ? await indexes.DropAsync(load.Name, load.RunId, cancellationToken) : 0;
        await using (var transaction = await load.Connection.BeginTransactionAsync(cancellationToken))
        {
            await load.CopyNewRowsAsync(cancellationToken);
            await load.WriteQuarantineAsync(cancellationToken);
            await load.RecordProgressAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (dropped > 0)
        {
            // Built on the second connection while the next table is copied; the verification waits for them.
            load.Report.IndexesRebuilt = dropped;
            indexes.StartBuild(load.Name, seconds => load.Report.IndexSeconds = Math.Round(seconds, 3), cancellationToken);
        }

        load.Finish(activity);
        return load.Present;
    }

    /// <summary>
    /// Rebuilds the derived tables (<see cref="BulkLoad.RefreshAsync"/>). Those it fills from empty (the first import) get
    /// their secondary indexes built after it, as the loaded tables do, recorded the same way for a run killed meanwhile:
    /// at 100,000 letters, filling letter_search and letter_product_search took 177 s with their trigram and sort indexes
    /// kept up row by row, and 11 s without them plus 18 s to build them.
    /// </summary>
    private static async Task RefreshDerivedTablesAsync(NpgsqlConnection connection, BulkLoadIndexes indexes, int runId, CancellationToken cancellationToken)
    {
        var dropped = new List<string>();
        foreach (var table in BulkLoad.DerivedTables)
        {
            if (!await ScalarAsync<bool>(connection, $"SELECT EXISTS (SELECT FROM {table})", cancellationToken)
                && await indexes.DropAsync(table, runId, cancellationToken) > 0)
            {
                dropped.Add(table);
            }
        }

        await BulkLoad.RefreshAsync(connection, cancellationToken);
        foreach (var table in dropped)
        {
            indexes.StartBuild(table, done: null, cancellationToken);
        }

        await indexes.WaitAsync();
    }

    /// <summary>
    /// A bulk load leaves the planner no statistics of what it wrote and the visibility map empty: until autovacuum came
    /// by, searches were planned blind and every index-only walk read the table too. Every table the import wrote,
    /// itself or through the refreshes, is vacuumed and analyzed before the run reports its end.
    /// </summary>
    private static async Task VacuumAsync(NpgsqlConnection connection, List<TableLoad> loads, CancellationToken cancellationToken)
    {
        await using var vacuum = new NpgsqlCommand($"VACUUM (ANALYZE) {string.Join(", ", loads.Select(load => load.Name).Concat(BulkLoad.DerivedTables))}", connection);
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Row triggers keep derived tables current (statistics totals, product search text); for a bulk load they would
    /// cost more than the load itself, so this session skips them and rebuilds those tables once at the end.
    /// </summary>
    private static async Task SkipRowTriggersAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var bulkLoad = new NpgsqlCommand($"SELECT set_config('{BulkLoad.Setting}', 'on', false)", connection);
        await bulkLoad.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Indexes a killed run dropped for its load and did not build again: built first, whatever happens next.</summary>
    private async Task BuildIndexesLeftDroppedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (await BulkLoadIndexes.BuildRecordedAsync(connection, null, cancellationToken) is > 0 and var rebuilt)
        {
            LogIndexesRestored(logger, rebuilt);
        }
    }

    /// <summary>The target must not hold other data under the same ids: checked for every table before anything is written.</summary>
    private async Task CheckTargetHoldsNoOtherDataAsync(SourceDatabase source, List<TableShape> shapes, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
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
    }

    /// <summary>Runs a kill left 'running' become 'interrupted': this run imports what they did not commit.</summary>
    private async Task<List<int>> TakeOverInterruptedRunsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var runs = new List<int>();
        await using (var interrupted = new NpgsqlCommand(
            "UPDATE import_runs SET status = 'interrupted', finished_at = CURRENT_TIMESTAMP WHERE status = 'running' RETURNING id", connection))
        await using (var reader = await interrupted.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                runs.Add(reader.GetInt32(0));
            }
        }

        if (runs.Count > 0)
        {
            LogResuming(logger, string.Join(", ", runs));
        }

        return runs;
    }

    private static async Task<int> StartRunAsync(SourceDatabase source, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var start = new NpgsqlCommand("INSERT INTO import_runs (source_path) VALUES (@source) RETURNING id", connection);
        start.Parameters.AddWithValue("source", source.Path);
        return (int)(await start.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The verification needs the target's checksums but not its indexes: read while the builds still run.</summary>
    private static async Task ReadTargetSumsAsync(List<TableLoad> loads, CancellationToken cancellationToken)
    {
        foreach (var load in loads)
        {
            var clock = Stopwatch.StartNew();
            load.Sums.Target = await ImportVerifier.ReadTargetSumAsync(load.Shape, load.Connection, cancellationToken);
            load.Sums.TargetSeconds = clock.Elapsed.TotalSeconds;
        }
    }

    /// <summary>
    /// When the failure broke the connection, the run stays 'running' and the next run resumes it; what the operator
    /// must see is the failure itself, not "connection is not open" from recording it.
    /// </summary>
    private static async Task MarkRunFailedAsync(NpgsqlConnection connection, int runId)
    {
        if (connection.FullState == ConnectionState.Open)
        {
            await using var failed = new NpgsqlCommand("UPDATE import_runs SET status = 'failed', finished_at = CURRENT_TIMESTAMP WHERE id = @id", connection);
            failed.Parameters.AddWithValue("id", runId);
            await failed.ExecuteNonQueryAsync(CancellationToken.None);
        }
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

        await BuildIndexesLeftDroppedAsync(connection, cancellationToken);
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

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A previous import (run {Runs}) was interrupted; the tables it finished are kept, the rest is imported now")]
    private static partial void LogResuming(ILogger logger, string runs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: not in the source file; nothing to import")]
    private static partial void LogTableAbsent(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Built {Count} secondary index(es) that an interrupted import had dropped for its load")]
    private static partial void LogIndexesRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The secondary indexes dropped for the load could not be built after the failure ({Error}); the next run of the migration service builds them")]
    private static partial void LogIndexesLeftRecorded(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Nothing new in {Source}: every row is already imported or quarantined (0 rows imported)")]
    private static partial void LogNothingNew(ILogger logger, string source);
}
