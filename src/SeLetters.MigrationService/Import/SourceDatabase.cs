using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using SeLetters.Data;

namespace SeLetters.MigrationService.Import;

internal sealed record SourceColumn(string Name, string DuckDbType);

/// <summary>How one target table is found in the source file: which columns map to which, what is missing or extra.</summary>
internal sealed class TableShape(TargetTable target)
{
    public TargetTable Target { get; } = target;

    public bool Present { get; set; }

    /// <summary>Every column of the source table, in the source's order (the order rows are read in).</summary>
    public List<SourceColumn> SourceColumns { get; } = [];

    /// <summary>Target columns found in the source, in target order, with their index in <see cref="SourceColumns"/>.</summary>
    public List<(TargetColumn Column, int SourceIndex)> Mapped { get; } = [];

    /// <summary>Target columns the source lacks: PostgreSQL's default applies.</summary>
    public List<string> Missing { get; } = [];

    /// <summary>Source columns the target does not have: reported, not imported.</summary>
    public List<string> Unknown { get; } = [];

    public string? SequenceName { get; set; }

    /// <summary>The source sequence's last value handed out, when it can be read.</summary>
    public long? SequenceLastValue { get; set; }
}

/// <summary>The letters.duckdb being imported, opened read-only, with the checks that turn DuckDB's errors into clear ones.</summary>
internal sealed partial class SourceDatabase : IDisposable
{
    /// <summary>DuckDB 0.10 and later write storage version 64 or higher; older files cannot be read by this DuckDB.</summary>
    private const ulong OldestSupportedStorageVersion = 64;

    private readonly DuckDBConnection _connection;

    private readonly string _memoryLimit;

    private SourceDatabase(string path, DuckDBConnection connection, string memoryLimit)
    {
        Path = path;
        _connection = connection;
        _memoryLimit = memoryLimit;
    }

    public string Path { get; }

    public static SourceDatabase Open(string path, string memoryLimit)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new OperatorException($"The source {full} is a folder, not a DuckDB file; give the path of letters.duckdb (Import:Source or --source).");
        }

        if (!File.Exists(full))
        {
            throw new OperatorException($"The source file {full} does not exist; check Import:Source or --source.");
        }

        CheckHeader(full);
        var connection = new DuckDBConnection($"Data Source={full};ACCESS_MODE=READ_ONLY");
        try
        {
            connection.Open();
        }
        catch (DuckDBException exception)
        {
            connection.Dispose();
            throw Translate(exception, full);
        }

        // Streaming needs little memory; DuckDB would otherwise cache up to 80 % of the machine's and keep freed memory.
        if (!MemorySize().IsMatch(memoryLimit))
        {
            connection.Dispose();
            throw new OperatorException($"Import:SourceMemoryLimit '{memoryLimit}' is not a memory size such as 32MB or 1GB.");
        }

        using (var limit = connection.CreateCommand())
        {
            // Each chunk a scan hands over (2,048 rows, some 12 MB of letters' JSON) is freed in one go; by default the
            // allocator flushes its caches only after a free of 512 MB, so freed pages stayed and the RSS crept with the rows.
            limit.CommandText = $"SET threads = 1; SET allocator_flush_threshold = '4MB'; SET allocator_bulk_deallocation_flush_threshold = '0MB'; SET memory_limit = '{memoryLimit}'";
            limit.ExecuteNonQuery();
        }

        return new SourceDatabase(full, connection, memoryLimit);
    }

    /// <summary>A DuckDB file starts with a checksum (8 bytes), the magic "DUCK" and the storage version (uint64).</summary>
    private static void CheckHeader(string path)
    {
        Span<byte> header = stackalloc byte[20];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new OperatorException($"The source file {path} cannot be read: {exception.Message}", exception);
        }

        if (read < header.Length || !header[8..12].SequenceEqual("DUCK"u8))
        {
            throw new OperatorException($"The source file {path} is not a DuckDB database file (no DuckDB header); give the path of letters.duckdb.");
        }

        var version = BinaryPrimitives.ReadUInt64LittleEndian(header[12..20]);
        if (version < OldestSupportedStorageVersion)
        {
            throw new OperatorException(
                $"The source file {path} has DuckDB storage version {version}, written by a DuckDB older than 0.10, which this importer cannot read " +
                $"(it reads storage version {OldestSupportedStorageVersion} and later). Open it with the DuckDB version that wrote it, EXPORT DATABASE, and IMPORT DATABASE into a file made by DuckDB 0.10 or later.");
        }
    }

    private static OperatorException Translate(DuckDBException exception, string path)
    {
        var message = exception.Message;
        if (message.Contains("Could not set lock", StringComparison.OrdinalIgnoreCase) || message.Contains("Conflicting lock", StringComparison.OrdinalIgnoreCase))
        {
            var pid = LockHolder().Match(message);
            var holder = pid.Success ? $"process {pid.Groups[1].Value}{ProcessName(pid.Groups[1].Value)}" : "another process";
            return new OperatorException(
                $"The source file {path} is locked by {holder}, which has it open for writing. Stop that process (the pipeline or web app using the file), " +
                $"or import a copy made while it is stopped (cp {path} letters-copy.duckdb), then run the import again.", exception);
        }

        if (message.Contains("version", StringComparison.OrdinalIgnoreCase) && message.Contains("storage", StringComparison.OrdinalIgnoreCase)
            || message.Contains("version number", StringComparison.OrdinalIgnoreCase))
        {
            return new OperatorException($"The source file {path} has a DuckDB storage version this importer cannot read: {OperatorException.FirstLine(message)}", exception);
        }

        if (message.Contains("not a valid DuckDB database file", StringComparison.OrdinalIgnoreCase))
        {
            return new OperatorException($"The source file {path} is not a valid DuckDB database file: {OperatorException.FirstLine(message)}", exception);
        }

        return new OperatorException($"The source file {path} cannot be opened by DuckDB: {OperatorException.FirstLine(message)}", exception);
    }

    private static string ProcessName(string pid)
    {
        try
        {
            using var process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
            return $" ({process.ProcessName})";
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            return "";
        }
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?\s*[KMGT]i?B$", RegexOptions.IgnoreCase)]
    private static partial Regex MemorySize();

    [GeneratedRegex(@"PID (\d+)")]
    private static partial Regex LockHolder();

    [GeneratedRegex(@"nextval\('(?:[^'.]*\.)?([^']+)'")]
    private static partial Regex NextVal();

    /// <summary>Reads the source schema and maps it by name onto the target tables.</summary>
    public List<TableShape> ReadShapes() => ReadOrExplain(ReadShapesCore);

    private List<TableShape> ReadShapesCore()
    {
        var columns = new Dictionary<string, List<(SourceColumn Column, string? Default)>>(StringComparer.OrdinalIgnoreCase);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = """
                SELECT c.table_name, c.column_name, c.data_type, c.column_default
                FROM information_schema.columns c
                JOIN duckdb_tables() t ON t.table_name = c.table_name AND t.schema_name = c.table_schema AND t.database_name = c.table_catalog
                WHERE c.table_schema = 'main'
                ORDER BY c.table_name, c.ordinal_position
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var list))
                {
                    columns[table] = list = [];
                }

                list.Add((new SourceColumn(reader.GetString(1), reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        var sequences = new Dictionary<string, long?>(StringComparer.OrdinalIgnoreCase);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE schema_name = 'main'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sequences[reader.GetString(0)] = reader.IsDBNull(1) ? null : Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            }
        }

        if (!TargetSchema.Tables.Any(target => columns.ContainsKey(target.Name)))
        {
            throw new OperatorException(
                $"The source file {Path} holds none of the letters tables (it has: {(columns.Count == 0 ? "no tables" : string.Join(", ", columns.Keys.Order(StringComparer.Ordinal)))}); is it letters.duckdb?");
        }

        var shapes = new List<TableShape>();
        foreach (var target in TargetSchema.Tables)
        {
            var shape = new TableShape(target);
            shapes.Add(shape);
            if (!columns.TryGetValue(target.Name, out var source))
            {
                shape.Missing.AddRange(target.Columns.Select(column => column.Name));
                continue;
            }

            shape.Present = true;
            shape.SourceColumns.AddRange(source.Select(entry => entry.Column));
            foreach (var column in target.Columns)
            {
                var index = shape.SourceColumns.FindIndex(candidate => string.Equals(candidate.Name, column.Name, StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    if (column.NotNull && !column.HasDefault)
                    {
                        throw new OperatorException($"The source table {target.Name} has no column {column.Name}, which the target requires (NOT NULL, no default); this is not a letters.duckdb this importer knows.");
                    }

                    shape.Missing.Add(column.Name);
                    continue;
                }

                CheckConvertible(target, column, shape.SourceColumns[index]);
                shape.Mapped.Add((column, index));
            }

            shape.Unknown.AddRange(shape.SourceColumns
                .Where(sourceColumn => !target.Columns.Any(column => string.Equals(column.Name, sourceColumn.Name, StringComparison.OrdinalIgnoreCase)))
                .Select(sourceColumn => sourceColumn.Name));

            var idDefault = source.FirstOrDefault(entry => string.Equals(entry.Column.Name, "id", StringComparison.OrdinalIgnoreCase)).Default;
            var sequence = idDefault is null ? null : NextVal().Match(idDefault);
            if (sequence is { Success: true })
            {
                shape.SequenceName = sequence.Groups[1].Value;
                shape.SequenceLastValue = sequences.GetValueOrDefault(shape.SequenceName);
            }
        }

        return shapes;
    }

    /// <summary>The explicit conversions the importer knows; any other source type is refused before anything is written.</summary>
    private static void CheckConvertible(TargetTable table, TargetColumn column, SourceColumn source)
    {
        var type = source.DuckDbType.ToUpperInvariant();
        var ok = column.Kind switch
        {
            ColumnKind.Integer => type is "INTEGER" or "BIGINT" or "SMALLINT" or "TINYINT" or "UINTEGER" or "USMALLINT" or "UTINYINT" or "UBIGINT" or "HUGEINT",
            ColumnKind.Text => type is "VARCHAR" or "DATE" or "TIMESTAMP" or "INTEGER" or "BIGINT" || type.StartsWith("DECIMAL", StringComparison.Ordinal),
            ColumnKind.Real => type is "FLOAT" or "DOUBLE" or "INTEGER" or "BIGINT" or "SMALLINT" || type.StartsWith("DECIMAL", StringComparison.Ordinal),
            ColumnKind.Boolean => type is "BOOLEAN",
            ColumnKind.Timestamp => type is "TIMESTAMP" or "TIMESTAMP_MS" or "TIMESTAMP_S" or "TIMESTAMP_NS" or "DATE",
            ColumnKind.Json => type is "VARCHAR" or "JSON",
            _ => false,
        };
        if (!ok)
        {
            throw new OperatorException($"The source column {table.Name}.{source.Name} has DuckDB type {source.DuckDbType}, which the importer does not convert to the target's {column.Kind.ToString().ToLowerInvariant()} column.");
        }
    }

    public long Count(TableShape shape)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {SqlIdentifier.Quote(shape.Target.Name)}";
        return Convert.ToInt64(ReadOrExplain(command.ExecuteScalar), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Streams the rows of a table, every source column in the source's order; the array is reused between rows.
    /// Timestamps come as <see cref="DuckDBTimestamp"/> (DuckDB's whole range; TIMESTAMP_S/_MS/_NS and DATE cast to
    /// TIMESTAMP, nanoseconds rounded to PostgreSQL's microseconds); text columns of another DuckDB type, and the
    /// columns the target does not have (only kept in the quarantine's source_row), as DuckDB's text of them.
    /// </summary>
    public IEnumerable<object?[]> ReadRows(TableShape shape)
    {
        var kinds = new ColumnKind?[shape.SourceColumns.Count];
        foreach (var (column, index) in shape.Mapped)
        {
            kinds[index] = column.Kind;
        }

        var select = shape.SourceColumns.Select((column, i) => (kinds[i], column.DuckDbType.ToUpperInvariant()) switch
        {
            (ColumnKind.Timestamp, not "TIMESTAMP") => $"CAST({SqlIdentifier.Quote(column.Name)} AS TIMESTAMP)",
            (ColumnKind.Text or null, not "VARCHAR") => $"CAST({SqlIdentifier.Quote(column.Name)} AS VARCHAR)",
            _ => SqlIdentifier.Quote(column.Name),
        });
        using var command = _connection.CreateCommand();
        command.UseStreamingMode = true;
        command.CommandText = $"SELECT {string.Join(", ", select)} FROM {SqlIdentifier.Quote(shape.Target.Name)}";
        using var reader = ReadOrExplain(command.ExecuteReader);
        var values = new object?[shape.SourceColumns.Count];
        while (ReadOrExplain(reader.Read))
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null
                    : kinds[i] == ColumnKind.Timestamp ? reader.GetFieldValue<DuckDBTimestamp>(i)
                    : reader.GetValue(i);
            }

            yield return values;
        }
    }

    /// <summary>DuckDB running out of its memory_limit (rows far larger than usual) becomes an error saying what to do.</summary>
    private T ReadOrExplain<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (DuckDBException exception) when (exception.Message.Contains("Out of Memory", StringComparison.OrdinalIgnoreCase))
        {
            throw new OperatorException(
                $"DuckDB needs more memory than Import:SourceMemoryLimit ({_memoryLimit}) to read {Path}: its rows are larger than usual. " +
                "Run the import again with a higher limit (Import__SourceMemoryLimit=128MB in the environment, or Import:SourceMemoryLimit in appsettings.json); the tables already imported are kept.", exception);
        }
    }

    public void Dispose() => _connection.Dispose();
}
