using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using SeLetters.MigrationService.Backup;
using SeLetters.MigrationService.Import;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

internal sealed record ImportRun(int ExitCode, string Output, JsonDocument? Report)
{
    public JsonElement Table(string section, string table) =>
        Report!.RootElement.GetProperty(section).GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == table);

    /// <summary>A command of the built migration service, as the operator runs it, with a report of its own.</summary>
    public static Task<ImportRun> RunAsync(string database, TempFolder folder, params string[] arguments) =>
        WithReportAsync(folder, arguments, async withReport =>
        {
            var run = await MigrationServiceProcess.RunAsync(database, null, withReport);
            return (run.ExitCode, run.Output);
        });

    /// <summary>The same command run in this process (<see cref="InProcessService"/>), for tests that run many.</summary>
    public static Task<ImportRun> RunInProcessAsync(string database, TempFolder folder, params string[] arguments) =>
        WithReportAsync(folder, arguments, withReport => InProcessService.RunAsync(database, withReport));

    public static Task<ImportRun> ImportAsync(string database, TempFolder folder, string source) => RunAsync(database, folder, "import", "--source", source);

    public static Task<ImportRun> VerifyAsync(string database, TempFolder folder, string source) => RunAsync(database, folder, "verify", "--source", source);

    private static async Task<ImportRun> WithReportAsync(TempFolder folder, string[] arguments, Func<string[], Task<(int ExitCode, string Output)>> run)
    {
        var report = folder.File($"report-{Guid.NewGuid():N}.json");
        var (exitCode, output) = await run([.. arguments, "--report", report]);
        return new ImportRun(exitCode, output, File.Exists(report) ? JsonDocument.Parse(await File.ReadAllTextAsync(report)) : null);
    }

    /// <summary>
    /// What the cut-over relies on, run in this process (the process-level tests of each command show the program
    /// behaves the same): <c>import</c> exits 0 and says verified; <c>import</c> again exits 0 with 0 rows; the file
    /// <c>export-duckdb</c> writes verifies against the database (the rollback's proof) and, imported into a fresh
    /// database, gives the same rows (<see cref="CanonicalChecksumsAsync"/>). Returns the first database.
    /// </summary>
    public static async Task<string> AssertCutOverHoldsAsync(PostgresServerFixture postgres, TempFolder folder, string source)
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var first = await RunInProcessAsync(database, folder, "import", "--source", source);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Verification OK", first.Output);

        var again = await RunInProcessAsync(database, folder, "import", "--source", source);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(0, again.Report!.RootElement.GetProperty("import").GetProperty("rows_imported").GetInt64());

        var exported = folder.File($"exported-{Guid.NewGuid():N}.duckdb");
        var export = await InProcessService.RunAsync(database, "export-duckdb", "--output", exported);
        Assert.True(export.ExitCode == 0, export.Log);
        var verified = await RunInProcessAsync(database, folder, "verify", "--source", exported);
        Assert.True(verified.ExitCode == 0, verified.Output);
        var copy = await postgres.CreateMigratedDatabaseAsync();
        var reimport = await RunInProcessAsync(copy, folder, "import", "--source", exported);
        Assert.True(reimport.ExitCode == 0, reimport.Output);
        Assert.Equal(await CanonicalChecksumsAsync(database), await CanonicalChecksumsAsync(copy));
        return database;
    }

    /// <summary>
    /// The count and checksum sum of each of the four tables in the verification's canonical form
    /// (<see cref="CanonicalForm"/>): every value exactly but the sign of a zero, which a trip through DuckDB does not keep.
    /// </summary>
    public static async Task<List<(string Table, (long Rows, ulong Sum) Checksums)>> CanonicalChecksumsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var checksums = new List<(string, (long, ulong))>();
        foreach (var table in TargetSchema.Tables)
        {
            // As the verification reads a table whose every column the source has.
            var shape = new TableShape(table) { Present = true };
            shape.Mapped.AddRange(table.Columns.Select((column, i) => (column, i)));
            checksums.Add((table.Name, await ImportVerifier.ReadTargetSumAsync(shape, connection, CancellationToken.None)));
        }

        return checksums;
    }

    private static readonly string[] SeedTables = ["letter_product_matches", "letter_products", "letters", "processing_debug"];

    /// <summary>The count and content checksum of each of the four tables.</summary>
    public static async Task<List<TableChecksum>> SeedTableChecksumsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        return [.. (await TableChecksums.ReadAsync(connection, transaction, CancellationToken.None)).Where(table => SeedTables.Contains(table.Table))];
    }

    /// <summary>Starts an import and kills it (the whole process tree, SIGKILL) when a line of its output matches.</summary>
    public static async Task<string> KillWhenAsync(string database, string source, Func<string, bool> when)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { RepositoryFiles.ProjectOutput("SeLetters.MigrationService", "SeLetters.MigrationService.dll"), "import", "--source", source })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__lettersdb"] = database;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Import__ReportPath"] = source + ".report.json";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.AppendLine(line);
            if (when(line))
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(timeout.Token);
                return output.ToString();
            }
        }

        throw new InvalidOperationException("The import ended before the line to kill it at:\n" + output + await process.StandardError.ReadToEndAsync());
    }
}
