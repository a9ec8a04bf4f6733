using SeLetters.SampleData.Letters;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

public sealed class ImportTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Imports_every_row_verifies_and_a_second_run_imports_nothing()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        var summary = LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 60, IdGapEvery = 7, SequenceAhead = 5 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var first = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(first.Report!.RootElement.GetProperty("ok").GetBoolean(), first.Output);
        Assert.Equal(summary.Letters, await Target.CountAsync(database, "letters"));
        Assert.Equal(summary.Products, await Target.CountAsync(database, "letter_products"));
        Assert.Equal(summary.Matches, await Target.CountAsync(database, "letter_product_matches"));
        Assert.Equal(summary.DebugSteps, await Target.CountAsync(database, "processing_debug"));
        Assert.Equal(summary.Letters + summary.Products + summary.Matches + summary.DebugSteps,
            first.Report.RootElement.GetProperty("import").GetProperty("rows_imported").GetInt64());
        Assert.Contains("rows/s", first.Output);
        // Vacuumed and analyzed before the run ends: the first searches have planner statistics and index-only scans.
        Assert.True(first.Report.RootElement.GetProperty("import").GetProperty("vacuum_seconds").GetDouble() > 0, first.Output);
        Assert.Equal([], await Target.StringsAsync(database, """
            SELECT relname FROM pg_class
            WHERE relname IN ('letters', 'letter_products', 'letter_product_matches', 'processing_debug', 'letter_search', 'letter_product_search', 'letter_ranges', 'letter_statistics')
                AND (reltuples < 0 OR relallvisible < relpages)
            """));

        var second = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Equal(0, second.Report!.RootElement.GetProperty("import").GetProperty("rows_imported").GetInt64());
        Assert.Contains("Nothing new", second.Output);
        Assert.Equal(summary.Letters, await Target.CountAsync(database, "letters"));
    }

    [Fact]
    public async Task Sequences_are_moved_past_the_source_so_the_next_insert_works()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 10, SequenceAhead = 20 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        // Every table's next row, in the order the foreign keys need.
        var nextRows = new (string SourceSequence, string Insert)[]
        {
            ("letters_id_seq", "INSERT INTO letters (document_name, source_file_path) VALUES ('new.pdf', 'x/new.pdf') RETURNING id"),
            ("products_id_seq", "INSERT INTO letter_products (letter_id, product_identifier) SELECT min(id), 'NEW' FROM letters RETURNING id"),
            ("matches_id_seq", """
                INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence)
                SELECT letter_id, id, 'NEW', 1 FROM letter_products ORDER BY id LIMIT 1 RETURNING id
                """),
            ("debug_id_seq", "INSERT INTO processing_debug (letter_id, processing_step) SELECT min(id), 'x' FROM letters RETURNING id"),
        };
        foreach (var (sourceSequence, insert) in nextRows)
        {
            var sourceValue = DuckDb.Scalar<long>(source, $"SELECT last_value FROM duckdb_sequences() WHERE sequence_name = '{sourceSequence}'");
            var newId = await Target.ScalarAsync<long>(database, insert);
            Assert.True(newId > sourceValue, $"new id {newId}, source {sourceSequence} {sourceValue}");
        }
    }

    [Fact]
    public async Task Statistics_after_import_equal_the_sources_own_aggregates()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 200, ProductsPerLetter = 1, MatchesPerLetter = 1, DebugStepsPerLetter = 1 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        // The API's /api/letters/statistics query (LettersApi.GetStatistics), on both sides.
        const string statistics = """
            SELECT count(*) || '|' || count(CASE WHEN status = 'processed' THEN 1 END) || '|' || count(CASE WHEN status = 'failed' THEN 1 END)
                || '|' || round(avg(extraction_confidence)::numeric, 4) || '|' || round(avg(processing_time_ms)::numeric, 2)
            FROM letters
            """;
        Assert.Equal(DuckDb.Scalar<string>(source, statistics.Replace("::numeric", "::DECIMAL(18,6)", StringComparison.Ordinal)),
            await Target.ScalarAsync<string>(database, statistics));
    }
}
