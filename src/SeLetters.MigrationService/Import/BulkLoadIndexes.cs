using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// The secondary indexes of a table (GIN, trigram and btree performance indexes: every index that is not unique and
/// backs no constraint) dropped before the bulk load into the empty table and built once afterwards, which is far
/// cheaper than maintaining them row by row. Crash-safe: the definitions are read from the catalog (pg_get_indexdef,
/// so the migrations stay the one source of truth) and recorded in import_dropped_indexes in the transaction that
/// drops them; each index is built and its record deleted in one transaction. Whatever a killed run left recorded is
/// built by the next run (<see cref="BuildRecordedAsync"/>), which checks first that each record is such a definition.
/// The builds run on a second connection while the next table is copied.
/// </summary>
internal sealed partial class BulkLoadIndexes(NpgsqlConnection connection, ILogger logger) : IAsyncDisposable
{
    /// <summary>
    /// GIN builds are much faster with room to sort in; PostgreSQL's default (64 MB) is raised for the build session
    /// only, never lowered. It is the server's memory, used by one build at a time, not the import process's.
    /// </summary>
    private const string BuildMemory = "256MB";

    private NpgsqlConnection? _builder;
    private Task _builds = Task.CompletedTask;

    /// <summary>Records and drops the table's secondary indexes, in one transaction; returns how many.</summary>
    public async Task<int> DropAsync(string table, int runId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var names = new List<string>();
        await using (var record = new NpgsqlCommand(
            """
            INSERT INTO import_dropped_indexes (index_name, table_name, definition, run_id)
            SELECT c.relname, @table, pg_get_indexdef(i.indexrelid), @run
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = @table::regclass AND NOT i.indisunique AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            RETURNING quote_ident(index_name)
            """, connection))
        {
            record.Parameters.AddWithValue("table", table);
            record.Parameters.AddWithValue("run", runId);
            await using var reader = await record.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        if (names.Count > 0)
        {
            // The names come from the catalog, quoted by quote_ident.
            await using var drop = new NpgsqlCommand($"DROP INDEX {string.Join(", ", names)}", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (names.Count > 0)
        {
            LogDropped(logger, table, names.Count);
        }

        return names.Count;
    }

    /// <summary>
    /// Starts building the table's recorded indexes on the second connection, after the builds started before;
    /// <paramref name="done"/>, if given, gets the seconds it took.
    /// </summary>
    public void StartBuild(string table, Action<double>? done, CancellationToken cancellationToken)
    {
        var previous = _builds;
        _builds = Task.Run(async () =>
        {
            await previous;
            if (_builder is null)
            {
                _builder = connection.CloneWith(connection.ConnectionString);
                await _builder.OpenAsync(cancellationToken);
            }

            var clock = Stopwatch.StartNew();
            var built = await BuildRecordedAsync(_builder, table, cancellationToken);
            done?.Invoke(clock.Elapsed.TotalSeconds);
            LogBuilt(logger, table, built, clock.Elapsed.TotalSeconds);
        }, cancellationToken);
    }

    /// <summary>Waits for the builds started; throws what failed (the indexes stay recorded for the next run).</summary>
    public Task WaitAsync() => _builds;

    /// <summary>
    /// Builds the indexes recorded as dropped, of one table or (null) all: each in its own transaction with the
    /// deletion of its record. An index that exists already (built by a migration since) just loses its record.
    /// </summary>
    public static async Task<int> BuildRecordedAsync(NpgsqlConnection connection, string? table, CancellationToken cancellationToken)
    {
        var recorded = new List<(string Name, string Definition)>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT index_name, definition, format('CREATE INDEX %I ON public.%I USING ', index_name, table_name)
            FROM import_dropped_indexes WHERE @table::text IS NULL OR table_name = @table ORDER BY table_name, index_name
            """, connection))
        {
            list.Parameters.Add(new NpgsqlParameter("table", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)table ?? DBNull.Value });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded.Add((reader.GetString(0), Validated(reader.GetString(0), reader.GetString(1), expectedStart: reader.GetString(2))));
            }
        }

        if (recorded.Count == 0)
        {
            return 0;
        }

        await using (var memory = new NpgsqlCommand(
            "SELECT set_config('maintenance_work_mem', @memory, false) WHERE pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes(@memory)",
            connection))
        {
            memory.Parameters.AddWithValue("memory", BuildMemory);
            await memory.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (name, definition) in recorded)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var exists = new NpgsqlCommand("SELECT to_regclass(quote_ident(@name)) IS NOT NULL", connection))
            {
                exists.Parameters.AddWithValue("name", name);
                if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
                {
                    await using var create = new NpgsqlCommand(definition, connection) { CommandTimeout = 0 };
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            await using (var forget = new NpgsqlCommand("DELETE FROM import_dropped_indexes WHERE index_name = @name", connection))
            {
                forget.Parameters.AddWithValue("name", name);
                await forget.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return recorded.Count;
    }

    /// <summary>
    /// The recorded definition, if it is what <c>DropAsync</c> records: pg_get_indexdef's one CREATE INDEX statement of
    /// that index on that table. The table is the owner's alone (the API's role holds nothing on it), and even so this
    /// runs no text as the owner that is anything else; a record that fails stays for the operator to look at.
    /// </summary>
    private static string Validated(string name, string definition, string expectedStart)
    {
        if (definition.StartsWith(expectedStart, StringComparison.Ordinal) && IndexDefinitionTail().IsMatch(definition[expectedStart.Length..]))
        {
            return definition;
        }

        throw new OperatorException(
            $"import_dropped_indexes holds for the index {name} a definition that is not '{expectedStart}...' as the import records it; "
            + $"it is not run. Check who wrote it, then delete the row: {definition[..Math.Min(definition.Length, 200)]}");
    }

    /// <summary>An access method, then its columns and what pg_get_indexdef adds (INCLUDE, WITH, WHERE): one statement, no ';'.</summary>
    [GeneratedRegex(@"\A[a-z_]+ \([^;]*\)\z")]
    private static partial Regex IndexDefinitionTail();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _builds;
        }
        catch (Exception)
        {
            // Already reported by WaitAsync to the caller that waited; here only the connection is released.
        }

        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: {Count} secondary index(es) dropped for the load into the empty table, to be built after it")]
    private static partial void LogDropped(ILogger logger, string table, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: {Count} secondary index(es) built after the load in {Seconds:F1} s")]
    private static partial void LogBuilt(ILogger logger, string table, int count, double seconds);
}
