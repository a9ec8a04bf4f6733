using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Npgsql;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// Compares the source file with the target: per table, every source row is in the target with the same checksum or
/// in the quarantine; no foreign key has orphans; every sequence is at or past max(id).
/// </summary>
internal sealed partial class ImportVerifier(ILogger<ImportVerifier> logger)
{
    private const int MaxIds = 100;

    private static readonly (string Name, string Sql)[] OrphanQueries =
    [
        ("letter_products.letter_id -> letters", "SELECT count(*) FROM letter_products lp LEFT JOIN letters l ON lp.letter_id = l.id WHERE l.id IS NULL"),
        ("processing_debug.letter_id -> letters", "SELECT count(*) FROM processing_debug d LEFT JOIN letters l ON d.letter_id = l.id WHERE l.id IS NULL"),
        ("letter_product_matches.letter_id -> letters", "SELECT count(*) FROM letter_product_matches m LEFT JOIN letters l ON m.letter_id = l.id WHERE l.id IS NULL"),
        ("letter_product_matches.letter_product_id -> letter_products", "SELECT count(*) FROM letter_product_matches m LEFT JOIN letter_products p ON m.letter_product_id = p.id WHERE p.id IS NULL"),
    ];

    /// <param name="streamed">
    /// The source checksums the import computed while it streamed the rows, per table: then the source is not read
    /// again unless the target's sum differs. Null (the verify command): the source is read.
    /// </param>
    public async Task VerifyAsync(
        SourceDatabase source, List<TableShape> shapes, NpgsqlConnection connection, ImportReport report,
        IReadOnlyDictionary<string, SourceChecksums>? streamed, CancellationToken cancellationToken)
    {
        using var activity = ImportTelemetry.ActivitySource.StartActivity("Verifying import");
        var clock = Stopwatch.StartNew();
        var section = new VerificationSection();
        report.Verification = section;
        foreach (var shape in shapes)
        {
            var table = streamed?.GetValueOrDefault(shape.Target.Name) is { } sums && await CompareSumsAsync(shape, sums, connection, cancellationToken) is { } fast
                ? fast
                : await VerifyTableAsync(source, shape, connection, cancellationToken);
            section.Tables.Add(table);
            LogTable(logger, table.Table, table.SourceRows, table.Imported, table.Quarantined, table.ChecksumMismatches, table.MissingFromTarget, table.OnlyInTarget);
            if (!table.Ok)
            {
                report.Problems.Add($"{table.Table}: {table.SourceRows} source rows, {table.Imported} imported with matching checksums, {table.Quarantined} quarantined, " +
                    $"{table.ChecksumMismatches} with a different checksum (ids {string.Join(", ", table.ChecksumMismatchIds.Take(10))}), " +
                    $"{table.MissingFromTarget} missing (ids {string.Join(", ", table.MissingIds.Take(10))})");
            }

            if (table.UnknownColumns.Count > 0)
            {
                report.Warnings.Add($"{table.Table}: source columns not in the target, not imported: {string.Join(", ", table.UnknownColumns)}");
            }

            if (table.OnlyInTarget > 0)
            {
                report.Warnings.Add($"{table.Table}: {table.OnlyInTarget} target row(s) have an id the source does not have");
            }
        }

        foreach (var (name, sql) in OrphanQueries)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var orphans = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            section.OrphanChecks.Add(new OrphanCheck(name, orphans));
            if (orphans > 0)
            {
                report.Problems.Add($"{orphans} orphan(s) on {name}");
            }
        }

        // Not a foreign key, but a sign of damaged data: a match whose product belongs to another letter. Reported, not an error.
        await using (var crossed = new NpgsqlCommand(
            "SELECT count(*) FROM letter_product_matches m JOIN letter_products p ON p.id = m.letter_product_id WHERE p.letter_id <> m.letter_id", connection))
        {
            section.MatchesOfAnotherLettersProduct = (long)(await crossed.ExecuteScalarAsync(cancellationToken))!;
            if (section.MatchesOfAnotherLettersProduct > 0)
            {
                report.Warnings.Add($"{section.MatchesOfAnotherLettersProduct} letter_product_matches row(s) point to a product of another letter");
            }
        }

        foreach (var shape in shapes)
        {
            var name = shape.Target.Name;
            await using var command = new NpgsqlCommand(
                $"SELECT (SELECT coalesce(max(id), 0) FROM {name}) > (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {name}_id_seq)", connection);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                section.SequencesBehindMaxId.Add(name);
                report.Problems.Add($"the sequence of {name} is behind max(id): the next insert would collide");
            }
        }

        // Indexes an interrupted import dropped for its load and no run has built again yet: the data is complete, the API slow.
        await using (var pending = new NpgsqlCommand(
            "SELECT CASE WHEN to_regclass('import_dropped_indexes') IS NULL THEN '' ELSE (SELECT coalesce(string_agg(index_name, ', ' ORDER BY index_name), '') FROM import_dropped_indexes) END",
            connection))
        {
            if ((string)(await pending.ExecuteScalarAsync(cancellationToken))! is { Length: > 0 } names)
            {
                report.Warnings.Add($"secondary indexes dropped by an interrupted import are not built yet: {names}; run the import (or the migration service) again to build them");
            }
        }

        report.Ok = report.Problems.Count == 0;
        section.Seconds = Math.Round(clock.Elapsed.TotalSeconds + (streamed?.Values.Sum(sums => sums.TargetSeconds) ?? 0), 3);
        LogVerificationTime(logger, section.Seconds);
    }

    /// <summary>
    /// The import's fast path: the count and the sum (mod 2^64) of the target's row checksums, computed by PostgreSQL,
    /// against those of the source rows that belong in the target. Equal: every one of them is there with the same
    /// content, and nothing else. Different: null, and the caller compares row by row to say which ids differ.
    /// </summary>
    private async Task<TableVerification?> CompareSumsAsync(TableShape shape, SourceChecksums sums, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var name = shape.Target.Name;
        sums.Target ??= await ReadTargetSumAsync(shape, connection, cancellationToken);
        var (rows, sum) = sums.Target.Value;
        if (rows != sums.ExpectedRows || sum != sums.ExpectedSum)
        {
            LogSumsDiffer(logger, name, sums.ExpectedRows, rows);
            return null;
        }

        var result = new TableVerification
        {
            Table = name, InSource = shape.Present, MissingColumns = shape.Missing, UnknownColumns = shape.Unknown,
            SourceRows = sums.SourceRows, TargetRows = rows, Imported = rows, Quarantined = sums.QuarantinedRows,
        };
        result.Policies.Add(sums.Policies);
        return result;
    }

    /// <summary>The count and the sum (mod 2^64) of the target table's row checksums, computed by PostgreSQL.</summary>
    public static async Task<(long Rows, ulong Sum)> ReadTargetSumAsync(TableShape shape, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var columns = shape.Present ? shape.Mapped : [(shape.Target.Column("id"), 0)];
        await using var command = new NpgsqlCommand($"SELECT count(*), coalesce(sum(checksum), 0)::text FROM ({RowChecksum.TargetSql(shape.Target.Name, columns)}) s", connection);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), (ulong)(BigInteger.Parse(reader.GetString(1), CultureInfo.InvariantCulture) & ulong.MaxValue));
    }

    /// <summary>
    /// Row by row: merges the source rows' checksums, sorted by id, with the target's, computed by PostgreSQL, in id
    /// order. Both sides stream, so memory stays the same whatever the number of rows.
    /// </summary>
    public async Task<TableVerification> VerifyTableAsync(SourceDatabase source, TableShape shape, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var name = shape.Target.Name;
        var result = new TableVerification { Table = name, InSource = shape.Present, MissingColumns = shape.Missing, UnknownColumns = shape.Unknown };
        var quarantined = new IdSet();
        await using (var command = new NpgsqlCommand("SELECT source_id FROM migration_quarantine WHERE source_table = @table", connection))
        {
            command.Parameters.AddWithValue("table", name);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                quarantined.Add(reader.GetInt32(0));
            }
        }

        using var sourceRows = SourceChecksumsById(source, shape, result, cancellationToken).GetEnumerator();
        var more = sourceRows.MoveNext();
        var columns = shape.Present ? shape.Mapped : [(shape.Target.Column("id"), 0)];
        await using (var command = new NpgsqlCommand($"{RowChecksum.TargetSql(name, columns)} ORDER BY t.id", connection) { CommandTimeout = 0 })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                result.TargetRows++;
                var id = reader.GetInt32(0);
                while (more && sourceRows.Current.Id < id)
                {
                    NotInTarget(result, quarantined, sourceRows.Current.Id);
                    more = sourceRows.MoveNext();
                }

                if (more && sourceRows.Current.Id == id)
                {
                    if (sourceRows.Current.Hash == reader.GetInt64(1))
                    {
                        result.Imported++;
                    }
                    else
                    {
                        result.ChecksumMismatches++;
                        Note(result.ChecksumMismatchIds, id);
                    }

                    more = sourceRows.MoveNext();
                }
                else
                {
                    result.OnlyInTarget++;
                }
            }
        }

        while (more)
        {
            NotInTarget(result, quarantined, sourceRows.Current.Id);
            more = sourceRows.MoveNext();
        }

        return result;
    }

    /// <summary>The id and checksum of each source row, in id order; counts the rows and the policies into <paramref name="result"/>.</summary>
    private static IEnumerable<(int Id, long Hash)> SourceChecksumsById(SourceDatabase source, TableShape shape, TableVerification result, CancellationToken cancellationToken) =>
        shape.Present ? IdSort.Sort(SourceChecksums(source, shape, result, cancellationToken), Path.GetTempPath()) : [];

    private static IEnumerable<(int Id, long Hash)> SourceChecksums(SourceDatabase source, TableShape shape, TableVerification result, CancellationToken cancellationToken)
    {
        var converter = new RowConverter(shape);
        var checksum = new RowChecksum();
        foreach (var row in source.ReadRows(shape))
        {
            cancellationToken.ThrowIfCancellationRequested();
            converter.Convert(row, result.Policies);
            result.SourceRows++;
            yield return (converter.Id, checksum.Compute(converter));
        }
    }

    private static void NotInTarget(TableVerification result, IdSet quarantined, int id)
    {
        if (quarantined.Contains(id))
        {
            result.Quarantined++;
        }
        else
        {
            result.MissingFromTarget++;
            Note(result.MissingIds, id);
        }
    }

    private static void Note(List<int> ids, int id)
    {
        if (ids.Count < MaxIds)
        {
            ids.Add(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Table}: the target's checksums do not add up to the source's ({Expected} rows expected, {Rows} found); comparing row by row")]
    private static partial void LogSumsDiffer(ILogger logger, string table, long expected, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Verification took {Seconds:F1} s")]
    private static partial void LogVerificationTime(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Verified {Table}: {SourceRows} source rows = {Imported} imported (checksums match) + {Quarantined} quarantined; {Mismatches} checksum mismatch(es), {Missing} missing, {OnlyInTarget} only in the target")]
    private static partial void LogTable(ILogger logger, string table, long sourceRows, long imported, long quarantined, long mismatches, long missing, long onlyInTarget);
}

/// <summary>
/// What the import learnt of one source table while streaming it: the rows, those that belong in the target (not
/// quarantined) with the sum of their checksums, and the policies over the whole table.
/// </summary>
internal sealed class SourceChecksums
{
    public long SourceRows { get; set; }

    public long ExpectedRows { get; private set; }

    public ulong ExpectedSum { get; private set; }

    public long QuarantinedRows { get; set; }

    public PolicyCounts Policies { get; } = new();

    /// <summary>The target's count and checksum sum, when the import read them already (while its index builds ran).</summary>
    public (long Rows, ulong Sum)? Target { get; set; }

    /// <summary>How long reading <see cref="Target"/> took: part of the verification.</summary>
    public double TargetSeconds { get; set; }

    public void Expect(long checksum)
    {
        ExpectedRows++;
        ExpectedSum = unchecked(ExpectedSum + (ulong)checksum);
    }
}
