using SeLetters.SampleData.Letters;
using SeLetters.Tests.Import;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Operations;

/// <summary>export-duckdb: the rollback path back to the original application.</summary>
public sealed class ExportDuckDbTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task A_round_trip_duckdb_postgres_duckdb_postgres_gives_identical_checksums()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions
        {
            Letters = 40, IdGapEvery = 5, SequenceAhead = 7, InvalidJsonLetters = 2, EmptyJsonLetters = 2, NaNLetters = 2, NulCharLetters = 1,
            MatchesWithNullProductId = 2,
        });
        var first = await postgres.CreateMigratedDatabaseAsync();
        Assert.Equal(0, (await ImportRun.ImportAsync(first, folder, source)).ExitCode);

        var exported = folder.File("exported.duckdb");
        var export = await MigrationServiceProcess.RunAsync(first, null, "export-duckdb", "--output", exported);
        Assert.True(export.ExitCode == 0, export.Output);

        var second = await postgres.CreateMigratedDatabaseAsync();
        var reimport = await ImportRun.ImportAsync(second, folder, exported);
        Assert.True(reimport.ExitCode == 0, reimport.Output);

        Assert.Equal(await ImportRun.SeedTableChecksumsAsync(first), await ImportRun.SeedTableChecksumsAsync(second));
        Assert.Equal(0, await Target.CountAsync(second, "migration_quarantine"));
        Assert.Equal(0, (await ImportRun.VerifyAsync(first, folder, exported)).ExitCode);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.partial*"));
    }

    [Fact]
    public async Task The_exported_file_has_the_original_format_and_sequences_past_max_id()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 10, SequenceAhead = 5 });
        var database = await postgres.CreateMigratedDatabaseAsync();
        Assert.Equal(0, (await ImportRun.ImportAsync(database, folder, source)).ExitCode);
        await Target.ExecuteAsync(database, "INSERT INTO letters (document_name, source_file_path, raw_grok_json) VALUES ('after cut-over.pdf', '/new.pdf', '{\"a\": 1}')");
        var newId = await Target.ScalarAsync<int>(database, "SELECT max(id) FROM letters");

        var exported = folder.File("rollback.duckdb");
        Assert.Equal(0, (await MigrationServiceProcess.RunAsync(database, null, "export-duckdb", "--output", exported)).ExitCode);

        Assert.Equal(DuckDb.Columns(source, "letters"), DuckDb.Columns(exported, "letters"));
        Assert.Equal("VARCHAR", DuckDb.Scalar<string>(exported, "SELECT data_type FROM information_schema.columns WHERE table_name = 'letters' AND column_name = 'raw_grok_json'"));
        Assert.Equal("FLOAT", DuckDb.Scalar<string>(exported, "SELECT data_type FROM information_schema.columns WHERE table_name = 'letters' AND column_name = 'extraction_confidence'"));
        Assert.Equal("after cut-over.pdf", DuckDb.Scalar<string>(exported, $"SELECT document_name FROM letters WHERE id = {newId}"));
        Assert.True(DuckDb.Scalar<long>(exported, "SELECT start_value FROM duckdb_sequences() WHERE sequence_name = 'letters_id_seq'") > newId);
    }

    [Fact]
    public async Task An_existing_output_file_is_never_overwritten()
    {
        using var folder = new TempFolder();
        var database = await postgres.CreateMigratedDatabaseAsync();
        var output = folder.File("exists.duckdb");
        await File.WriteAllTextAsync(output, "keep me");

        var export = await MigrationServiceProcess.RunAsync(database, null, "export-duckdb", "--output", output);

        Assert.Equal(1, export.ExitCode);
        Assert.Contains("Export failed:", export.Output);
        Assert.Contains("exists", export.Output);
        Assert.Equal("keep me", await File.ReadAllTextAsync(output));
    }
}
