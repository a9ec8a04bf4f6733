using SeLetters.SampleData.Letters;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

/// <summary>Re-runnable: a newer copy imports only what is new; a run killed mid-way and started again ends exact.</summary>
public sealed class ImportResumeTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task A_newer_copy_of_the_file_imports_only_the_new_rows()
    {
        using var folder = new TempFolder();
        var first = folder.File("first.duckdb");
        var newer = folder.File("newer.duckdb");
        LettersDuckDbGenerator.Generate(first, new LettersSampleOptions { Letters = 30, IdGapEvery = 5 });
        var summary = LettersDuckDbGenerator.Generate(newer, new LettersSampleOptions { Letters = 45, IdGapEvery = 5 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());
        Assert.Equal(0, (await ImportRun.ImportAsync(database, folder, first)).ExitCode);

        var run = await ImportRun.ImportAsync(database, folder, newer);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(15, run.Table("import", "letters").GetProperty("imported").GetInt64());
        Assert.Equal(30, run.Table("import", "letters").GetProperty("already_present").GetInt64());
        Assert.Equal(15 * 5, run.Table("import", "letter_products").GetProperty("imported").GetInt64());
        Assert.Equal(summary.Letters, await Target.CountAsync(database, "letters"));
        Assert.Equal(summary.DebugSteps, await Target.CountAsync(database, "processing_debug"));
        Assert.True(run.Report!.RootElement.GetProperty("ok").GetBoolean(), run.Output);
    }

    [Fact]
    public async Task A_run_killed_mid_way_and_started_again_ends_exact()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        var summary = LettersDuckDbGenerator.Generate(source, new LettersSampleOptions { Letters = 1500, DebugStepsPerLetter = 12, MatchesPerLetter = 8 });
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        // Killed (SIGKILL) as soon as the first table is committed, while the next ones are being copied.
        var killedAt = await ImportRun.KillWhenAsync(database, source, line => line.Contains("letters: ", StringComparison.Ordinal) && line.Contains("rows imported", StringComparison.Ordinal));
        Assert.Equal("running", await Target.ScalarAsync<string>(database, "SELECT status FROM import_runs ORDER BY id DESC LIMIT 1"));
        Assert.Equal(summary.Letters, await Target.CountAsync(database, "letters"));
        Assert.True(await Target.CountAsync(database, "processing_debug") < summary.DebugSteps, killedAt);

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("was interrupted", run.Output);
        Assert.True(run.Report!.RootElement.GetProperty("ok").GetBoolean(), run.Output);
        Assert.Equal(0, run.Table("import", "letters").GetProperty("imported").GetInt64());
        Assert.Equal(summary.Products, await Target.CountAsync(database, "letter_products"));
        Assert.Equal(summary.Matches, await Target.CountAsync(database, "letter_product_matches"));
        Assert.Equal(summary.DebugSteps, await Target.CountAsync(database, "processing_debug"));
        Assert.Equal("interrupted,completed", await Target.ScalarAsync<string>(database, "SELECT string_agg(status, ',' ORDER BY id) FROM import_runs"));
    }
}
