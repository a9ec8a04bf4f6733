using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using SeLetters.Data;

namespace SeLetters.MigrationService.Import;

/// <summary>Runs one command of the service: migrate, import, verify, in that order, with the report at the end.</summary>
internal sealed partial class ImportRunner(
    CommandLine commandLine, IOptions<ImportOptions> options, DatabaseMigrator migrator, LettersImporter importer, ImportVerifier verifier,
    LettersDbContext db, ILogger<ImportRunner> logger)
{
    /// <summary>Returns the exit code: 0, or 3 when the verification found differences.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var sourcePath = options.Value.Source;
        if (string.IsNullOrWhiteSpace(sourcePath))
        {
            if (commandLine.Command != ServiceCommand.Default)
            {
                throw new OperatorException($"'{commandLine.Command.ToString().ToLowerInvariant()}' needs the source file: --source path/to/letters.duckdb");
            }

            await migrator.MigrateAsync(cancellationToken);
            await using (var indexConnection = new NpgsqlConnection(db.Database.GetConnectionString()))
            {
                await indexConnection.OpenAsync(cancellationToken);
                await importer.BuildDroppedIndexesAsync(indexConnection, cancellationToken);
            }

            LogNoSource(logger);
            return 0;
        }

        // The source is checked before the target is touched: a wrong path changes nothing.
        using var source = SourceDatabase.Open(sourcePath, options.Value.SourceMemoryLimit);
        var shapes = source.ReadShapes();
        foreach (var shape in shapes)
        {
            if (!shape.Present)
            {
                LogTableMissing(logger, shape.Target.Name);
                continue;
            }

            if (shape.Missing.Count > 0)
            {
                LogColumnsMissing(logger, shape.Target.Name, string.Join(", ", shape.Missing));
            }

            if (shape.Unknown.Count > 0)
            {
                LogColumnsUnknown(logger, shape.Target.Name, string.Join(", ", shape.Unknown));
            }
        }

        if (commandLine.Command != ServiceCommand.Verify)
        {
            await migrator.MigrateAsync(cancellationToken);
        }
        else if (!await IsMigratedAsync(cancellationToken))
        {
            throw new OperatorException("The target database has no imported schema (no migration_quarantine table); run 'import' first, or check ConnectionStrings:lettersdb.");
        }

        // No command timeout: finishing a COPY of millions of rows (its foreign-key checks run at the end) or checksumming
        // a table takes minutes at 1M letters, and a timeout broke the connection half-way. Ctrl+C still cancels.
        var target = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()!) { CommandTimeout = 0 };
        await using var connection = new NpgsqlConnection(target.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var report = new ImportReport
        {
            Command = commandLine.Command == ServiceCommand.Verify ? "verify" : "import",
            Source = source.Path,
            Target = $"{target.Host}:{target.Port}/{target.Database}",
        };

        var streamed = commandLine.Command != ServiceCommand.Verify
            ? await importer.ImportAsync(source, shapes, connection, report, cancellationToken)
            : null;
        await verifier.VerifyAsync(source, shapes, connection, report, streamed, cancellationToken);
        report.FinishedAt = DateTime.UtcNow;
        await LettersImporter.FinishRunAsync(connection, report, cancellationToken);

        var reportPath = Path.GetFullPath(options.Value.ReportPath ?? "import-report.json");
        Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
        await File.WriteAllTextAsync(reportPath, report.ToJson(), cancellationToken);

        foreach (var warning in report.Warnings)
        {
            LogWarning(logger, warning);
        }

        if (!report.Ok)
        {
            foreach (var problem in report.Problems)
            {
                LogProblem(logger, problem);
            }

            LogVerificationFailed(logger, report.Problems.Count, reportPath);
            return 3;
        }

        var tables = report.Verification!.Tables;
        LogVerified(logger, tables.Sum(t => t.SourceRows), tables.Sum(t => t.Imported), tables.Sum(t => t.Quarantined),
            report.Import?.RowsImported ?? 0, reportPath);
        return 0;
    }

    private async Task<bool> IsMigratedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT to_regclass('migration_quarantine') IS NOT NULL", connection);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return false; // no such database
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No Import:Source configured; nothing to import")]
    private static partial void LogNoSource(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The source has no table {Table}: it stays empty")]
    private static partial void LogTableMissing(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "The source table {Table} lacks the column(s) {Columns}: the target's defaults apply")]
    private static partial void LogColumnsMissing(ILogger logger, string table, string columns);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The source table {Table} has column(s) the target does not: {Columns}; they are not imported (listed in the report)")]
    private static partial void LogColumnsUnknown(ILogger logger, string table, string columns);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Error, Message = "Verification: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Verification FAILED with {Count} problem(s); report: {Report}")]
    private static partial void LogVerificationFailed(ILogger logger, int count, string report);

    [LoggerMessage(Level = LogLevel.Information, Message = "Verification OK: {SourceRows} source rows = {Imported} in the target with matching checksums + {Quarantined} quarantined; {NewRows} rows imported by this run; report: {Report}")]
    private static partial void LogVerified(ILogger logger, long sourceRows, long imported, long quarantined, long newRows, string report);
}
