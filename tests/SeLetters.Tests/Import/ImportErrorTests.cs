using System.Buffers.Binary;
using DuckDB.NET.Data;
using SeLetters.MigrationService.Backup;
using SeLetters.SampleData.Letters;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

/// <summary>Each error: one clear line, a non-zero exit code, and the target unchanged.</summary>
public sealed class ImportErrorTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task A_missing_file_is_named_and_the_target_is_not_created()
    {
        using var folder = new TempFolder();
        var name = postgres.NewDatabaseName();

        var run = await ImportRun.ImportAsync(postgres.ConnectionStringFor(name), folder, folder.File("nowhere.duckdb"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"The source file {folder.File("nowhere.duckdb")} does not exist", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.False(await DatabaseExistsAsync(name));
    }

    [Theory]
    [InlineData("id,document_name\n1,a.pdf\n")] // a CSV export
    [InlineData("")] // an empty file
    public async Task A_file_that_is_not_duckdb_is_refused(string content)
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        await File.WriteAllTextAsync(source, content);
        var name = postgres.NewDatabaseName();

        var run = await ImportRun.ImportAsync(postgres.ConnectionStringFor(name), folder, source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is not a DuckDB database file", run.Output);
        Assert.False(await DatabaseExistsAsync(name));
    }

    [Fact]
    public async Task A_duckdb_file_without_any_of_the_letters_tables_is_refused_and_the_target_is_untouched()
    {
        using var folder = new TempFolder();
        var letters = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(letters, new LettersSampleOptions { Letters = 3 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());
        Assert.Equal(0, (await ImportRun.ImportAsync(database, folder, letters)).ExitCode);
        var before = await ImportRun.SeedTableChecksumsAsync(database);
        // The original application's neighbouring database, picked by mistake.
        var staging = folder.File("document_metadata.duckdb");
        DuckDb.Execute(staging,
            "CREATE TABLE document_staging (source_file_path TEXT, document_name TEXT, raw_json TEXT)",
            "CREATE TABLE staging_notes (note TEXT)",
            "INSERT INTO document_staging VALUES ('in/a.pdf', 'a.pdf', '{}')");

        var run = await ImportRun.ImportAsync(database, folder, staging);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Import failed: The source file {staging} holds none of the letters tables (it has: document_staging, staging_notes); is it letters.duckdb?", run.Output);
        Assert.Single(run.Output.Split('\n'), line => line.Contains("fail", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(before, await ImportRun.SeedTableChecksumsAsync(database));
        Assert.Equal(1L, await Target.CountAsync(database, "import_runs"));
    }

    [Fact]
    public async Task An_empty_duckdb_file_is_refused_and_no_database_is_created()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        DuckDb.Execute(source, "CHECKPOINT");
        var name = postgres.NewDatabaseName();

        var run = await ImportRun.ImportAsync(postgres.ConnectionStringFor(name), folder, source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("holds none of the letters tables (it has: no tables); is it letters.duckdb?", run.Output);
        Assert.False(await DatabaseExistsAsync(name));
    }

    [Fact]
    public async Task An_id_beyond_the_targets_integers_is_one_line_and_nothing_is_written()
    {
        using var folder = new TempFolder();
        var source = folder.File("handmade.duckdb");
        DuckDb.Execute(source,
            "CREATE TABLE letters (id BIGINT PRIMARY KEY, document_name VARCHAR NOT NULL, source_file_path VARCHAR NOT NULL)",
            "INSERT INTO letters VALUES (1, 'a.pdf', 'in/a.pdf'), (3000000000, 'b.pdf', 'in/b.pdf')");
        var database = await postgres.CreateMigratedDatabaseAsync();

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Import failed: The source table letters has id 3000000000, beyond the target's integer ids", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.Equal(0L, await Target.CountAsync(database, "letters"));
    }

    [Fact]
    public async Task An_old_storage_version_is_refused_with_what_to_do()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        var header = new byte[3 * 4096];
        "DUCK"u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(12), 39); // DuckDB 0.9
        await File.WriteAllBytesAsync(source, header);
        var (database, before) = await TargetWithALetterAsync();

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("storage version 39", run.Output);
        Assert.Contains("EXPORT DATABASE", run.Output);
        await AssertUntouchedAsync(database, before);
    }

    [Fact]
    public async Task A_newer_storage_version_than_this_duckdb_reads_is_refused()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 2 });
        // Storage version 9999 in the main header, with the header's checksum recomputed as DuckDB computes it, so that
        // DuckDB itself reads the version and refuses it.
        var bytes = await File.ReadAllBytesAsync(source);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), 9999);
        ulong checksum = 5381;
        for (var offset = 8; offset < 4096; offset += 8)
        {
            checksum ^= unchecked(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset)) * 0xbf58476d1ce4e5b9UL);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(bytes, checksum);
        await File.WriteAllBytesAsync(source, bytes);
        var (database, before) = await TargetWithALetterAsync();

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Import failed: The source file", run.Output);
        Assert.True(run.Output.Contains("has a DuckDB storage version this importer cannot read", StringComparison.Ordinal), run.Output);
        await AssertUntouchedAsync(database, before);
    }

    [Fact]
    public async Task A_file_locked_by_a_writer_names_the_process_that_holds_it()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 2 });
        var database = await postgres.CreateMigratedDatabaseAsync();

        ImportRun run;
        using (var writer = new DuckDBConnection($"Data Source={source}"))
        {
            writer.Open(); // this test process is now the writer holding the lock
            run = await ImportRun.ImportAsync(database, folder, source);
        }

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"is locked by process {Environment.ProcessId}", run.Output);
        Assert.Contains("Stop that process", run.Output);
        Assert.Equal(0L, await Target.CountAsync(database, "letters"));
    }

    [Fact]
    public async Task Different_data_under_the_same_ids_stops_the_import_before_anything_is_written()
    {
        using var folder = new TempFolder();
        var first = folder.File("first.duckdb");
        var newer = folder.File("newer.duckdb");
        LettersDuckDbGenerator.Generate(first, new LettersSampleOptions { Letters = 10 });
        LettersDuckDbGenerator.Generate(newer, new LettersSampleOptions { Letters = 20 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());
        Assert.Equal(0, (await ImportRun.ImportAsync(database, folder, first)).ExitCode);
        await Target.ExecuteAsync(database, "UPDATE letters SET document_title = 'edited in PostgreSQL' WHERE id = 4");

        var run = await ImportRun.ImportAsync(database, folder, newer);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already holds different data for 1 letters row(s) with the same ids as the source (ids 4)", run.Output);
        Assert.Equal(10L, await Target.CountAsync(database, "letters"));
        Assert.Equal(1L, await Target.CountAsync(database, "import_runs"));
    }

    [Fact]
    public async Task Verify_reports_a_changed_row_and_exits_non_zero()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 10 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());
        Assert.Equal(0, (await ImportRun.ImportAsync(database, folder, source)).ExitCode);
        var verified = await ImportRun.VerifyAsync(database, folder, source);
        Assert.True(verified.ExitCode == 0, verified.Output);

        await Target.ExecuteAsync(database, "UPDATE letter_products SET range_label = 'x' WHERE id = 3; DELETE FROM processing_debug WHERE id = 5");
        var run = await ImportRun.VerifyAsync(database, folder, source);

        Assert.Equal(3, run.ExitCode);
        Assert.False(run.Report!.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal([3], run.Table("verification", "letter_products").GetProperty("checksum_mismatch_ids").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Equal([5], run.Table("verification", "processing_debug").GetProperty("missing_ids").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Contains("Verification FAILED", run.Output);
    }

    [Fact]
    public async Task Verify_names_the_differing_ids_when_the_source_is_not_stored_in_id_order()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 10 });
        // The verification reads the source sorted by id to merge it with the target; stored backwards, only the sort puts it in order.
        DuckDb.Execute(source,
            "CREATE TABLE reversed AS SELECT * FROM processing_debug ORDER BY id DESC",
            "DROP TABLE processing_debug",
            "ALTER TABLE reversed RENAME TO processing_debug");
        Assert.Equal(DuckDb.Scalar<int>(source, "SELECT max(id) FROM processing_debug"), DuckDb.Scalar<int>(source, "SELECT id FROM processing_debug LIMIT 1"));
        var rows = DuckDb.Scalar<long>(source, "SELECT count(*) FROM processing_debug");
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());
        Assert.Equal(0, (await ImportRun.ImportAsync(database, folder, source)).ExitCode);

        await Target.ExecuteAsync(database,
            "UPDATE processing_debug SET processing_step = 'edited' WHERE id IN (7, 30); DELETE FROM processing_debug WHERE id IN (2, 41); " +
            "INSERT INTO processing_debug (id, letter_id, processing_step) VALUES (100000, 1, 'added')");
        var run = await ImportRun.VerifyAsync(database, folder, source);

        Assert.Equal(3, run.ExitCode);
        var table = run.Table("verification", "processing_debug");
        Assert.Equal([7, 30], table.GetProperty("checksum_mismatch_ids").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Equal([2, 41], table.GetProperty("missing_ids").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Equal(1, table.GetProperty("only_in_target").GetInt64());
        Assert.Equal(rows, table.GetProperty("source_rows").GetInt64());
        Assert.Equal(rows - 4, table.GetProperty("imported").GetInt64());
    }

    [Fact]
    public async Task DuckDB_running_out_of_its_memory_limit_says_which_setting_to_raise()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 3000 });
        var name = postgres.NewDatabaseName();

        var run = await MigrationServiceProcess.RunAsync(
            postgres.ConnectionStringFor(name), new Dictionary<string, string> { ["Import__SourceMemoryLimit"] = "1MB" }, "import", "--source", source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("DuckDB needs more memory than Import:SourceMemoryLimit (1MB)", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.False(await DatabaseExistsAsync(name));
    }

    [Fact]
    public async Task Verify_on_a_database_without_the_import_schema_says_so()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 2 });
        var name = postgres.NewDatabaseName();

        var run = await ImportRun.VerifyAsync(postgres.ConnectionStringFor(name), folder, source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has no imported schema", run.Output);
        Assert.False(await DatabaseExistsAsync(name));
    }

    [Theory]
    [InlineData("export")]
    [InlineData("import --from x.duckdb")]
    [InlineData("import --source")]
    public async Task A_wrong_command_line_is_one_line_and_exit_code_2(string arguments)
    {
        var run = await MigrationServiceProcess.RunAsync(postgres.ConnectionStringFor(postgres.NewDatabaseName()), null, arguments.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Output);
        Assert.Single(run.Output.Trim().Split('\n'));
    }

    /// <summary>A migrated target holding one letter, and its tables' checksums.</summary>
    private async Task<(string Database, List<TableChecksum> Checksums)> TargetWithALetterAsync()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await Target.ExecuteAsync(database, "INSERT INTO letters (document_name, source_file_path) VALUES ('kept.pdf', 'in/kept.pdf')");
        return (database, await ImportRun.SeedTableChecksumsAsync(database));
    }

    /// <summary>The target's tables as they were, and no import recorded.</summary>
    private static async Task AssertUntouchedAsync(string database, List<TableChecksum> before)
    {
        Assert.Equal(before, await ImportRun.SeedTableChecksumsAsync(database));
        Assert.Equal(0L, await Target.CountAsync(database, "import_runs"));
    }

    private async Task<bool> DatabaseExistsAsync(string name) =>
        await Target.ScalarAsync<bool>(postgres.ServerConnectionString, $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')");
}
