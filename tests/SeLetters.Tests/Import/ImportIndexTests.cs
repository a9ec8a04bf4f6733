using SeLetters.SampleData.Letters;
using SeLetters.Tests.Infrastructure;
using SeLetters.Tests.Schema;

namespace SeLetters.Tests.Import;

/// <summary>
/// The first import drops the secondary indexes of each empty table for its load (and of each empty derived table for
/// their refresh) and builds them afterwards; killed while they are dropped, the next run of the migration service builds
/// them again, from the recorded definitions.
/// </summary>
public sealed class ImportIndexTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const string IndexDefinitions =
        "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public' " +
        "AND tablename IN ('letters', 'letter_products', 'letter_product_matches', 'processing_debug', 'letter_search', 'letter_product_search')";

    [Fact]
    public async Task The_first_import_builds_the_dropped_indexes_again_exactly_as_the_migrations_made_them()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 40 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(14, run.Table("import", "letters").GetProperty("indexes_rebuilt").GetInt32()); // 5 seed btree, 2 GIN, 4 Phase 7, 3 sort
        Assert.Contains("letter_search: 6 secondary index(es) dropped", run.Output); // trigram, 5 sort
        Assert.Contains("letter_product_search: 2 secondary index(es) dropped", run.Output); // trigram of the products, of the letter's text
        Assert.Equal(await Target.ScalarAsync<string>(await postgres.CreateMigratedDatabaseAsync(), IndexDefinitions), await Target.ScalarAsync<string>(database, IndexDefinitions));
        Assert.Equal(0L, await Target.CountAsync(database, "import_dropped_indexes"));

        // A second import finds the tables populated: the indexes stay where they are.
        var again = await ImportRun.ImportAsync(database, folder, source);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(0, again.Table("import", "letters").GetProperty("indexes_rebuilt").GetInt32());
        Assert.DoesNotContain("secondary index(es) dropped", again.Output);
    }

    [Fact]
    public async Task Killed_while_the_indexes_are_dropped_the_next_run_builds_them_and_the_import_ends_exact()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        // Enough letters that their COPY (a few seconds) outlasts the delay between the log line and the kill, even
        // on a loaded machine. One product, match and step each: the rows after the letters only lengthen the import
        // that ends the test (28 of its 38 s with the generator's five, five and six).
        var summary = LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 6000, ProductsPerLetter = 1, MatchesPerLetter = 1, DebugStepsPerLetter = 1 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());
        var migrated = await Target.ScalarAsync<string>(await postgres.CreateMigratedDatabaseAsync(), IndexDefinitions);

        // SIGKILL as soon as the letters' indexes are dropped (and recorded), before the letters are copied.
        await ImportRun.KillWhenAsync(database, source, line => line.Contains("letters: 14 secondary index(es) dropped", StringComparison.Ordinal));
        Assert.Equal(14L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM import_dropped_indexes WHERE table_name = 'letters'"));
        Assert.NotEqual(migrated, await Target.ScalarAsync<string>(database, IndexDefinitions));

        // The migration service's default run (no source, as under the AppHost) builds them from the record.
        var plain = await MigrationServiceProcess.RunAsync(database);
        Assert.True(plain.ExitCode == 0, plain.Output);
        Assert.Contains("Built 14 secondary index(es) that an interrupted import had dropped", plain.Output);
        Assert.Equal(migrated, await Target.ScalarAsync<string>(database, IndexDefinitions));
        Assert.Equal(0L, await Target.CountAsync(database, "import_dropped_indexes"));

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(run.Report!.RootElement.GetProperty("ok").GetBoolean(), run.Output);
        Assert.Equal(summary.Letters, await Target.CountAsync(database, "letters"));
        Assert.Equal(summary.DebugSteps, await Target.CountAsync(database, "processing_debug"));
        Assert.Equal(migrated, await Target.ScalarAsync<string>(database, IndexDefinitions));
    }

    /// <summary>
    /// The refresh is held on a lock of the test's (the claims it writes first) once both derived tables' indexes are
    /// dropped, so the kill always lands while they are.
    /// </summary>
    [Fact]
    public async Task Killed_while_the_derived_tables_are_refreshed_without_their_indexes_the_next_run_builds_them_and_the_import_ends_exact()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 40 });
        var database = await postgres.CreateMigratedDatabaseAsync();
        var migrated = await Target.ScalarAsync<string>(database, IndexDefinitions);

        await using (var holder = await Target.OpenAsync(database))
        {
            await using var holding = await holder.BeginTransactionAsync();
            await Target.ExecuteAsync(holder, "LOCK TABLE derived_rows_pending IN SHARE MODE");
            await ImportRun.KillWhenAsync(database, source, line => line.Contains("letter_product_search: 2 secondary index(es) dropped", StringComparison.Ordinal));
        }

        Assert.Equal(8L, await Target.ScalarAsync<long>(database,
            "SELECT count(*) FROM import_dropped_indexes WHERE table_name IN ('letter_search', 'letter_product_search')"));
        Assert.NotEqual(migrated, await Target.ScalarAsync<string>(database, IndexDefinitions));

        var plain = await MigrationServiceProcess.RunAsync(database);
        Assert.True(plain.ExitCode == 0, plain.Output);
        Assert.Contains("Built 8 secondary index(es) that an interrupted import had dropped", plain.Output);
        Assert.Equal(migrated, await Target.ScalarAsync<string>(database, IndexDefinitions));

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(run.Report!.RootElement.GetProperty("ok").GetBoolean(), run.Output);
        await DerivedTables.AssertExactAsync(database);
        Assert.Equal(migrated, await Target.ScalarAsync<string>(database, IndexDefinitions));
        Assert.Equal(0L, await Target.CountAsync(database, "import_dropped_indexes"));
    }

    [Fact]
    public async Task Killed_while_copying_into_a_table_without_its_indexes_the_next_import_builds_them_and_ends_exact()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        var summary = LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 2000, ProductsPerLetter = 1, MatchesPerLetter = 1, DebugStepsPerLetter = 100 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());
        var migrated = await Target.ScalarAsync<string>(await postgres.CreateMigratedDatabaseAsync(), IndexDefinitions);

        // Killed at the 50,000th of processing_debug's 200,000 rows (seconds before the end of its COPY), copied while
        // its 4 indexes are dropped.
        await ImportRun.KillWhenAsync(database, source, line => line.Contains("processing_debug: 50000 rows so far", StringComparison.Ordinal));
        Assert.Equal(4L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM import_dropped_indexes WHERE table_name = 'processing_debug'"));
        Assert.Equal(0L, await Target.CountAsync(database, "processing_debug"));

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("that an interrupted import had dropped", run.Output);
        Assert.True(run.Report!.RootElement.GetProperty("ok").GetBoolean(), run.Output);
        Assert.Equal(summary.DebugSteps, await Target.CountAsync(database, "processing_debug"));
        Assert.Equal(summary.Products, await Target.CountAsync(database, "letter_products"));
        Assert.Equal(migrated, await Target.ScalarAsync<string>(database, IndexDefinitions));
        Assert.Equal(0L, await Target.CountAsync(database, "import_dropped_indexes"));
    }

    [Fact]
    public async Task A_run_that_fails_while_a_table_is_without_its_indexes_builds_them_before_it_reports_the_failure()
    {
        using var folder = new TempFolder();
        var source = folder.File("damaged.duckdb");
        // No primary key in this hand-made file: id 2 twice, which the import finds half-way through the letters' COPY.
        DuckDb.Execute(source,
            "CREATE TABLE letters (id INTEGER, document_name VARCHAR NOT NULL, source_file_path VARCHAR NOT NULL)",
            "INSERT INTO letters VALUES (1, 'a.pdf', 'in/a.pdf'), (2, 'b.pdf', 'in/b.pdf'), (2, 'c.pdf', 'in/c.pdf')");
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("holds id 2 twice", run.Output);
        Assert.Equal(0L, await Target.CountAsync(database, "letters"));
        Assert.Equal(0L, await Target.CountAsync(database, "import_dropped_indexes"));
        Assert.Equal(await Target.ScalarAsync<string>(await postgres.CreateMigratedDatabaseAsync(), IndexDefinitions), await Target.ScalarAsync<string>(database, IndexDefinitions));
    }
}
