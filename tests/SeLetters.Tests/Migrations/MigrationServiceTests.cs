using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using SeLetters.Tests.Infrastructure;
using SeLetters.Tests.Schema;

namespace SeLetters.Tests.Migrations;

public sealed class MigrationServiceTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Creates_the_database_and_applies_every_migration()
    {
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var run = await MigrationServiceProcess.RunAsync(database);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(["20261129210116_Baseline", "20261129215447_DerivedRowsOncePerLetter", "20261129231010_UtcTimestamps", "20261130011000_DerivedRowsRewrittenTogether", "20261130014000_RangeAndFailedStepStatistics", "20261130040000_RefreshLocksLettersFirst", "20261130041000_LetterSearchSortIndexes", "20261130120000_LetterTextIndexedOnce", "20261201080000_LetterSearchSortIndexesCoverFilters"], await AppliedMigrationsAsync(database));
    }

    [Fact]
    public async Task Two_copies_started_at_once_apply_each_migration_once()
    {
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var runs = await Task.WhenAll(MigrationServiceProcess.RunAsync(database), MigrationServiceProcess.RunAsync(database));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
        await using var model = PostgresServerFixture.CreateContext(database);
        Assert.Equal(model.Database.GetMigrations(), await AppliedMigrationsAsync(database));
        // The seed's 27; the import's tables: 4 primary keys and the quarantine's unique (source_table, source_id); the
        // search: 3 trigram indexes, 3 sort indexes on letters and 5 on letter_search, the primary keys of letter_product_search,
        // letter_search and derived_rows_pending; letter_statistics' primary key; letter_ranges' primary key and idx_debug_failed_step_latest.
        Assert.Equal(49, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'"));
        Assert.Equal(0, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"));
    }

    [Fact]
    public async Task Reverting_every_migration_leaves_only_the_history_and_migrating_again_gives_the_same_schema()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var migrated = await SchemaSnapshot.ReadAsync(database);
        await using var context = PostgresServerFixture.CreateContext(database);
        var migrator = context.GetService<IMigrator>();

        await migrator.MigrateAsync(Migration.InitialDatabase);

        var reverted = await SchemaSnapshot.ReadAsync(database);
        Assert.Equal(["__EFMigrationsHistory"], reverted.Tables);
        Assert.Empty(reverted.Code);
        await migrator.MigrateAsync();
        var differences = await migrated.DifferencesFromAsync(database);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public async Task The_letters_second_trigram_index_goes_and_so_does_an_interrupted_imports_record_to_build_it_again()
    {
        var database = await postgres.CreateEmptyDatabaseAsync();
        await using var context = PostgresServerFixture.CreateContext(database);
        var migrator = context.GetService<IMigrator>();
        await migrator.MigrateAsync("20261130041000_LetterSearchSortIndexes");
        // As an import killed during its bulk load leaves it: the index dropped, its definition recorded to build again.
        await Target.ExecuteAsync(database, """
            INSERT INTO import_dropped_indexes (index_name, table_name, definition)
            VALUES ('idx_letters_search_text_trgm', 'letters', pg_get_indexdef('idx_letters_search_text_trgm'::regclass));
            DROP INDEX idx_letters_search_text_trgm;
            """);

        await migrator.MigrateAsync();

        Assert.Equal(0L, await Target.CountAsync(database, "import_dropped_indexes"));
        Assert.Equal(0L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM pg_indexes WHERE tablename = 'letters' AND indexdef LIKE '%gin_trgm_ops%'"));
        Assert.Equal(1L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM pg_indexes WHERE tablename = 'letter_search' AND indexdef LIKE '%gin_trgm_ops%'"));
    }

    [Fact]
    public async Task A_second_run_finds_nothing_to_do()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();

        var run = await MigrationServiceProcess.RunAsync(database);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("up to date", run.Output);
    }

    [Fact]
    public async Task Exits_non_zero_with_the_error_logged_when_postgres_never_answers()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(postgres.ServerConnectionString) { Host = "127.0.0.1", Port = 1, Database = "se_letters" };

        // Long enough for a first attempt and a retry on a starved machine (a first connection's code is compiled then).
        var run = await MigrationServiceProcess.RunAsync(
            unreachable.ConnectionString, new Dictionary<string, string> { ["Migrations__ConnectTimeout"] = "00:00:10" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Migrating the letters database failed", run.Output);
        Assert.Contains("PostgreSQL does not accept connections yet", run.Output);
    }

    [Fact]
    public async Task The_api_role_can_read_and_write_rows_but_not_change_the_schema()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var role = $"api_{Guid.NewGuid():N}";
        const string password = "it's a secret; DROP TABLE letters; --";

        var run = await MigrationServiceProcess.RunAsync(database,
            new Dictionary<string, string> { ["Database__ApiRole"] = role, ["Database__ApiPassword"] = password });

        Assert.True(run.ExitCode == 0, run.Output);
        var asApi = new NpgsqlConnectionStringBuilder(database) { Username = role, Password = password }.ConnectionString;
        var id = await Target.ScalarAsync<int>(asApi, "INSERT INTO letters (document_name, source_file_path) VALUES ('a.pdf', '/a.pdf') RETURNING id");
        Assert.Equal(1L, await Target.ScalarAsync<long>(asApi, $"WITH deleted AS (DELETE FROM letters WHERE id = {id} RETURNING 1) SELECT count(*) FROM deleted"));
        foreach (var change in new[] { "CREATE TABLE intruder (id int)", "DROP TABLE letters", "ALTER TABLE letters ADD COLUMN x int",
                     "CREATE INDEX intruder ON letters (status)", "TRUNCATE letters",
                     "INSERT INTO \"__EFMigrationsHistory\" VALUES ('x', 'y')" })
        {
            var denied = await Assert.ThrowsAsync<PostgresException>(() => Target.ScalarAsync<object>(asApi, change));
            Assert.True(denied.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{change}: {denied.SqlState} {denied.MessageText}");
        }

        Assert.Equal(1L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'letters'"));
    }

    internal static Task<List<string>> AppliedMigrationsAsync(string connectionString) =>
        Target.StringsAsync(connectionString, """SELECT migration_id FROM "__EFMigrationsHistory" ORDER BY migration_id""");
}
