using System.Diagnostics;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// The import of one table, in the steps <see cref="LettersImporter"/> runs in order: read the ids an earlier run
/// handled; stream the source rows through COPY, each converted, checksummed and given its fate (already imported,
/// already quarantined, quarantined now, or copied); write the rows quarantined now; record the table's progress.
/// </summary>
internal sealed partial class TableLoad
{
    private const int ProgressEvery = 50_000;

    /// <summary>
    /// PostgreSQL refuses a btree index entry over 2,704 bytes ("index row size exceeds btree version 4 maximum"), and
    /// whether a longer text fits once compressed cannot be told beforehand: the text columns of each btree index of
    /// the table (read from the catalog: the migrations stay the one source of truth) together may hold at most this
    /// many bytes, the rest of the entry left for its header and the other columns. A row past it is quarantined.
    /// </summary>
    private const int MaxIndexedTextBytes = 2_600;

    private readonly SourceDatabase _source;
    private readonly ImportTelemetry _telemetry;
    private readonly ILogger _logger;
    private RowConverter? _converter;
    private readonly RowChecksum _checksum = new();
    private readonly PolicyCounts _rowPolicies = new();
    private readonly List<(int Index, string Column, string ParentTable, IdSet Ids)> _parents;
    private readonly List<(string Index, int[] Columns)> _indexedText = [];
    private readonly KeyValuePair<string, object?> _tag;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Source ids seen so far: a second one is a damaged file.</summary>
    private readonly IdSet _seen = new();

    /// <summary>Ids quarantined by this run; only the ids are kept, the rows are read again to be written: memory stays constant.</summary>
    private readonly IdSet _quarantined = new();

    private IdSet _quarantinedBefore = new();

    /// <summary>Made only for a table the source has: the converter maps the source's columns.</summary>
    private RowConverter Converter => _converter ??= new RowConverter(Shape);

    public TableLoad(
        SourceDatabase source, TableShape shape, NpgsqlConnection connection, int runId, IReadOnlyDictionary<string, IdSet> idsByTable,
        ImportTelemetry telemetry, ILogger logger)
    {
        _source = source;
        Shape = shape;
        Connection = connection;
        RunId = runId;
        _telemetry = telemetry;
        _logger = logger;
        _tag = new("table", Name);
        _parents = shape.Present
            ? shape.Target.Parents
                .Select(parent => (shape.Mapped.FindIndex(mapped => mapped.Column.Name == parent.Column), parent.Column, parent.ParentTable, idsByTable[parent.ParentTable]))
                .ToList()
            : [];
        Report = new TableImport { Table = Name, InSource = shape.Present, MissingColumns = shape.Missing, UnknownColumns = shape.Unknown };
    }

    public string Name => Shape.Target.Name;

    public TableShape Shape { get; }

    public NpgsqlConnection Connection { get; }

    public int RunId { get; }

    /// <summary>The rows of the source table, counted by DuckDB.</summary>
    public long SourceRowCount => _sourceRowCount ??= _source.Count(Shape);

    private long? _sourceRowCount;

    /// <summary>The table's part of the report.</summary>
    public TableImport Report { get; }

    /// <summary>What the verification compares the target with: the checksums of the source rows that belong in it.</summary>
    public SourceChecksums Sums { get; } = new();

    /// <summary>The ids in the target table: those there before, then those copied; the children's parents.</summary>
    public IdSet Present { get; private set; } = new();

    public long MaxSourceId { get; private set; }

    public double Seconds => _clock.Elapsed.TotalSeconds;

    /// <summary>
    /// Step 1: the ids an earlier run handled, in the table or in the quarantine; and, while every index is there,
    /// which text columns share a btree index entry.
    /// </summary>
    public async Task ReadIdsHandledBeforeAsync(CancellationToken cancellationToken)
    {
        Present = await ReadIdsAsync($"SELECT id FROM {Name}", cancellationToken);
        _quarantinedBefore = await ReadIdsAsync($"SELECT source_id FROM migration_quarantine WHERE source_table = '{Name}'", cancellationToken);
        if (Shape.Present)
        {
            await ReadIndexedTextColumnsAsync(cancellationToken);
        }
    }

    private async Task ReadIndexedTextColumnsAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT c.relname, array_agg(a.attname::text ORDER BY k.n)
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND a.atttypid = 'text'::regtype
            WHERE i.indrelid = '{Name}'::regclass
            GROUP BY c.relname
            ORDER BY c.relname
            """, Connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var columns = reader.GetFieldValue<string[]>(1)
                .Select(column => Shape.Mapped.FindIndex(mapped => mapped.Column.Name == column))
                .Where(index => index >= 0)
                .ToArray();
            if (columns.Length > 0)
            {
                _indexedText.Add((reader.GetString(0), columns));
            }
        }
    }

    /// <summary>
    /// Step 2: every source row is converted and checksummed, also those already there (the verification compares
    /// the target with these sums instead of reading the source a second time), and given its fate.
    /// </summary>
    public async Task CopyNewRowsAsync(CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", Shape.Mapped.Select(mapped => mapped.Column.Name));
        var total = SourceRowCount;
        var progress = new TerminalProgress();
        await using var writer = await Connection.BeginBinaryImportAsync($"COPY {Name} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in _source.ReadRows(Shape))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var checksum = ConvertAndChecksum(row);
            switch (Fate(out var reason))
            {
                case RowFate.QuarantinedBefore:
                    Sums.QuarantinedRows++;
                    Report.AlreadyPresent++;
                    break;
                case RowFate.ImportedBefore:
                    Sums.Expect(checksum);
                    Report.AlreadyPresent++;
                    break;
                case RowFate.Quarantine:
                    Quarantine(reason!);
                    break;
                case RowFate.Copy:
                    Copy(writer, checksum);
                    ShowProgress(progress, total);
                    break;
            }
        }

        progress.Update(Name, Report.SourceRows, total, RowsPerSecond, force: true);
        await writer.CompleteAsync(cancellationToken);
        progress.Done();
        Sums.SourceRows = Report.SourceRows;
    }

    private long ConvertAndChecksum(object?[] row)
    {
        Report.SourceRows++;
        var id = Converter.ReadId(row);
        MaxSourceId = Math.Max(MaxSourceId, id);
        if (!_seen.Add(id))
        {
            throw new OperatorException($"The source table {Name} holds id {id} twice; a letters.duckdb has a primary key on id, so this file is damaged.");
        }

        _rowPolicies.Clear();
        Converter.Convert(row, _rowPolicies);
        Sums.Policies.Add(_rowPolicies);
        return _checksum.Compute(Converter);
    }

    private enum RowFate
    {
        QuarantinedBefore,
        ImportedBefore,
        Quarantine,
        Copy,
    }

    private RowFate Fate(out string? reason)
    {
        reason = null;
        var id = Converter.Id;
        if (_quarantinedBefore.Contains(id))
        {
            return RowFate.QuarantinedBefore;
        }

        if (Present.Contains(id))
        {
            return RowFate.ImportedBefore;
        }

        reason = Problem();
        return reason is null ? RowFate.Copy : RowFate.Quarantine;
    }

    /// <summary>Why the converted row cannot go into its table: a NULL or out-of-range value, or a parent that is not there.</summary>
    private string? Problem()
    {
        if (Converter.Problem is { } problem)
        {
            return problem;
        }

        foreach (var parent in _parents)
        {
            if (Converter.Values[parent.Index] is int parentId && !parent.Ids.Contains(parentId))
            {
                return $"{parent.Column} = {parentId}: no such row in {parent.ParentTable}";
            }
        }

        foreach (var (index, columns) in _indexedText)
        {
            var bytes = columns.Sum(column => Converter.Values[column] is string text ? Encoding.UTF8.GetByteCount(text) : 0);
            if (bytes > MaxIndexedTextBytes)
            {
                return $"{string.Join(" + ", columns.Select(column => Shape.Mapped[column].Column.Name))} = {bytes} bytes, more than PostgreSQL's btree index " +
                    $"{index} takes ({MaxIndexedTextBytes} bytes of text per entry)";
            }
        }

        return null;
    }

    private void Quarantine(string reason)
    {
        Sums.QuarantinedRows++;
        _quarantined.Add(Converter.Id);
        if (_quarantined.Count <= 20)
        {
            LogQuarantined(_logger, Name, Converter.Id, reason);
        }
    }

    private void Copy(NpgsqlBinaryImporter writer, long checksum)
    {
        Sums.Expect(checksum);
        Report.Policies.Add(_rowPolicies);
        writer.StartRow();
        for (var i = 0; i < Shape.Mapped.Count; i++)
        {
            Write(writer, Shape.Mapped[i].Column.Kind, Converter.Values[i]);
        }

        Present.Add(Converter.Id);
        Report.Imported++;
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

    private double RowsPerSecond => Report.Imported / Math.Max(Seconds, 0.001);

    private void ShowProgress(TerminalProgress progress, long total)
    {
        if ((Report.Imported & 1023) == 0)
        {
            progress.Update(Name, Report.SourceRows, total, RowsPerSecond);
        }

        if (Report.Imported % ProgressEvery == 0)
        {
            _telemetry.Rows.Add(ProgressEvery, _tag);
            LogProgress(_logger, Name, Report.Imported, RowsPerSecond);
        }
    }

    /// <summary>Step 3: the rows quarantined by this run, read from the source again, with the source row and the reason.</summary>
    public async Task WriteQuarantineAsync(CancellationToken cancellationToken)
    {
        Report.Quarantined = _quarantined.Count;
        if (_quarantined.Count == 0)
        {
            return;
        }

        await using var writer = await Connection.BeginBinaryImportAsync(
            "COPY migration_quarantine (source_table, source_id, source_row, reason, import_run_id) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in _source.ReadRows(Shape))
        {
            var id = Converter.ReadId(row);
            if (!_quarantined.Contains(id))
            {
                continue;
            }

            Converter.Convert(row, null);
            writer.StartRow();
            writer.Write(Name, NpgsqlDbType.Text);
            writer.Write(id, NpgsqlDbType.Integer);
            writer.Write(RowConverter.SourceRowJson(Shape, row), NpgsqlDbType.Jsonb);
            writer.Write(Problem()!, NpgsqlDbType.Text);
            writer.Write(RunId, NpgsqlDbType.Integer);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Step 4, in the table's transaction: import_table_progress says the table is done, so a resumed run skips it.</summary>
    public async Task RecordProgressAsync(CancellationToken cancellationToken)
    {
        await using var progress = new NpgsqlCommand(
            "INSERT INTO import_table_progress (run_id, table_name, imported, quarantined, already_present) VALUES (@run, @table, @imported, @quarantined, @present)",
            Connection);
        progress.Parameters.AddWithValue("run", RunId);
        progress.Parameters.AddWithValue("table", Name);
        progress.Parameters.AddWithValue("imported", Report.Imported);
        progress.Parameters.AddWithValue("quarantined", Report.Quarantined);
        progress.Parameters.AddWithValue("present", Report.AlreadyPresent);
        await progress.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Step 5, after the commit: the counters, the span's tags, the report's times and the log line.</summary>
    public void Finish(Activity? activity)
    {
        _telemetry.Rows.Add(Report.Imported % ProgressEvery, _tag);
        _telemetry.Quarantined.Add(Report.Quarantined, _tag);
        Report.Seconds = Math.Round(Seconds, 3);
        Report.RowsPerSecond = Math.Round(RowsPerSecond);
        activity?.SetTag("seletters.import.rows", Report.Imported);
        activity?.SetTag("seletters.import.quarantined", Report.Quarantined);
        LogTableImported(_logger, Name, Report.Imported, Report.Seconds, Report.RowsPerSecond, Report.Quarantined, Report.AlreadyPresent);
    }

    private async Task<IdSet> ReadIdsAsync(string sql, CancellationToken cancellationToken)
    {
        var ids = new IdSet();
        await using var command = new NpgsqlCommand(sql, Connection); // the table's name is one of TargetSchema's
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: {Rows} rows so far ({RowsPerSecond:F0} rows/s)")]
    private static partial void LogProgress(ILogger logger, string table, long rows, double rowsPerSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}: {Rows} rows imported in {Seconds:F1} s ({RowsPerSecond:F0} rows/s), {Quarantined} quarantined, {AlreadyPresent} already present")]
    private static partial void LogTableImported(ILogger logger, string table, long rows, double seconds, double rowsPerSecond, long quarantined, long alreadyPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Table} id {Id} quarantined: {Reason}")]
    private static partial void LogQuarantined(ILogger logger, string table, int id, string reason);
}
