using Microsoft.EntityFrameworkCore;
using SeLetters.Tests.Infrastructure;
using SeLetters.Tests.Schema;

namespace SeLetters.Tests.Migrations;

/// <summary>A migration killed at any step is finished by the next run, with the schema of a fresh migration.</summary>
public sealed class MigrationCrashTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Every_migration_killed_after_any_commit_before_its_history_row_is_finished_by_the_next_run()
    {
        var crash = new MigrationCrash(postgres, PostgresServerFixture.CreateContext);
        var fresh = await SchemaSnapshot.ReadAsync(await postgres.CreateMigratedDatabaseAsync());

        var failures = new List<string>();
        foreach (var point in crash.KillPoints())
        {
            failures.AddRange(await crash.FailureOfNextRunAsync(point, fresh) is { } failure ? [failure] : []);
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void Kill_points_are_where_ef_core_commits_part_of_a_migration_and_inside_each_concurrent_index_build()
    {
        var crash = new MigrationCrash(postgres, CrashControlContext.For);

        var points = crash.KillPoints().Select(point => point.ToString());

        Assert.Equal(
        [
            "20000101000001_RerunnableIndex killed after command 2",
            "20000101000001_RerunnableIndex killed after command 3",
            "20000101000001_RerunnableIndex killed after command 4",
            "20000101000001_RerunnableIndex killed during command 3",
            "20000101000002_NotRerunnableIndex killed after command 1",
            "20000101000002_NotRerunnableIndex killed after command 2",
            "20000101000002_NotRerunnableIndex killed during command 2",
        ], points);
    }

    [Fact]
    public async Task A_migration_written_to_be_rerun_passes_and_one_that_is_not_fails()
    {
        var crash = new MigrationCrash(postgres, CrashControlContext.For);
        var freshDatabase = await postgres.CreateEmptyDatabaseAsync();
        await using (var context = CrashControlContext.For(freshDatabase))
        {
            await context.Database.MigrateAsync();
        }

        var fresh = await SchemaSnapshot.ReadAsync(freshDatabase);

        foreach (var point in crash.KillPoints())
        {
            var failure = await crash.FailureOfNextRunAsync(point, fresh);
            if (point.Migration.EndsWith("_RerunnableIndex", StringComparison.Ordinal))
            {
                Assert.True(failure is null, failure);
            }
            else
            {
                Assert.True(failure is not null, $"{point}: the next run succeeded");
            }
        }
    }
}
