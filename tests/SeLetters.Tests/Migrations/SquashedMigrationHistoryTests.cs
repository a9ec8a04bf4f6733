using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeLetters.Hosting;
using SeLetters.Tests.Infrastructure;
using SeLetters.Tests.Schema;

namespace SeLetters.Tests.Migrations;

/// <summary>Databases migrated before the squash: the twelve migrations' own script applied, then the migration service.</summary>
public sealed class SquashedMigrationHistoryTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const string Baseline = "20261129210116_Baseline";

    [Fact]
    public async Task A_database_the_squashed_migrations_built_is_recorded_as_at_the_baseline_and_keeps_its_letters()
    {
        var database = await ApplySquashedMigrationsAsync();
        await Target.ExecuteAsync(database, "INSERT INTO letters (document_name, source_file_path) VALUES ('Kept.pdf', '/letters/kept.pdf')");

        var run = await MigrationServiceProcess.RunAsync(database);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"recorded {Baseline} as applied in their place", run.Output);
        await using var model = PostgresServerFixture.CreateContext(database);
        Assert.Equal(model.Database.GetMigrations(), await MigrationServiceTests.AppliedMigrationsAsync(database));
        var fresh = await SchemaSnapshot.ReadAsync(await postgres.CreateMigratedDatabaseAsync());
        var differences = await fresh.DifferencesFromAsync(database);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.Equal(["kept.pdf\n\n/letters/kept.pdf"], await Target.StringsAsync(database, "SELECT search_text FROM letter_search"));
    }

    [Fact]
    public async Task A_database_with_only_some_of_the_squashed_migrations_is_refused_in_one_line_and_left_alone()
    {
        var database = await ApplySquashedMigrationsAsync();
        await Target.ExecuteAsync(database, """DELETE FROM "__EFMigrationsHistory" WHERE migration_id = '20261125221529_ProductSearchOncePerTransaction'""");
        var before = await MigrationServiceTests.AppliedMigrationsAsync(database);

        var run = await MigrationServiceProcess.RunAsync(database);

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.Output.Split('\n'), line => line.Contains("squashed into", StringComparison.Ordinal));
        Assert.Contains($"migrated with 11 of the 12 migrations squashed into {Baseline} (the last: 20261125214920_SearchIndexesWithoutPendingList)", error);
        Assert.Contains("drop it and migrate a new one", error);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.Equal(before, await MigrationServiceTests.AppliedMigrationsAsync(database));
    }

    /// <summary>A new database migrated by the twelve migrations as they were, with psql, as <c>dotnet ef</c> scripts are run.</summary>
    private async Task<string> ApplySquashedMigrationsAsync()
    {
        var database = await postgres.CreateEmptyDatabaseAsync();
        var target = new NpgsqlConnectionStringBuilder(database);
        var psql = new ProcessStartInfo(Path.Combine(LocalPostgresInstallation.Find(null)!.BinDirectory, "psql"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", target.Host!, "-p", target.Port.ToString(), "-U", target.Username!,
                     "-d", target.Database!, "-f", Path.Combine(AppContext.BaseDirectory, "Migrations", "squashed-migrations.sql") })
        {
            psql.ArgumentList.Add(argument);
        }

        psql.Environment["PGPASSWORD"] = target.Password;
        using var process = Process.Start(psql)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await output + error);
        return database;
    }
}
