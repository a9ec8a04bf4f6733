using Npgsql;
using SeLetters.MigrationService;
using SeLetters.MigrationService.Import;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Privileges;

/// <summary>
/// The migration service runs the index definitions recorded in import_dropped_indexes as the schema's owner: it runs
/// nothing there but the CREATE INDEX of the recorded index on its recorded table.
/// </summary>
public sealed class DroppedIndexRecordTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private readonly string _intruder = $"intruder_{Guid.NewGuid():N}";

    public static TheoryData<string, string> Forged => new()
    {
        // A second statement after the index.
        { "idx_letters_status_id", "CREATE INDEX idx_letters_status_id ON public.letters USING btree (status, id); CREATE ROLE {intruder} SUPERUSER LOGIN" },
        // Not an index at all.
        { "idx_letters_status_id", "CREATE ROLE {intruder} SUPERUSER LOGIN" },
        // Another index than the recorded one, on another table.
        { "idx_letters_status_id", "CREATE INDEX {intruder} ON public.import_runs USING btree (id)" },
        // The recorded name, but not its table.
        { "idx_letters_status_id", "CREATE INDEX idx_letters_status_id ON public.migration_quarantine USING btree (id)" },
    };

    [Theory]
    [MemberData(nameof(Forged))]
    public async Task A_forged_definition_is_refused_unrun_and_kept_for_the_operator(string index, string definition)
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await Target.ExecuteAsync(database, $"DROP INDEX {index}");
        await RecordDroppedAsync(database, index, definition.Replace("{intruder}", _intruder, StringComparison.Ordinal));
        try
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();

            var refused = await Assert.ThrowsAsync<OperatorException>(() => BulkLoadIndexes.BuildRecordedAsync(connection, null, CancellationToken.None));

            Assert.Contains(index, refused.Message);
            Assert.Equal(0L, await Target.ScalarAsync<long>(database, $"SELECT count(*) FROM pg_roles WHERE rolname = '{_intruder}'"));
            Assert.Equal(0L, await Target.ScalarAsync<long>(database, $"SELECT count(*) FROM pg_class WHERE relname IN ('{_intruder}', '{index}')"));
            Assert.Equal(1L, await Target.CountAsync(database, "import_dropped_indexes"));
        }
        finally
        {
            await Target.ExecuteAsync(database, $"DROP ROLE IF EXISTS {_intruder}");
        }
    }

    [Fact]
    public async Task A_definition_recorded_by_the_import_is_built()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var definitions = "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'letters'";
        var migrated = await Target.ScalarAsync<string>(database, definitions);
        await RecordDroppedAsync(database, "idx_letters_raw_grok_gin",
            await Target.ScalarAsync<string>(database, "SELECT pg_get_indexdef('idx_letters_raw_grok_gin'::regclass)"));
        await Target.ExecuteAsync(database, "DROP INDEX idx_letters_raw_grok_gin");

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        Assert.Equal(1, await BulkLoadIndexes.BuildRecordedAsync(connection, null, CancellationToken.None));

        Assert.Equal(migrated, await Target.ScalarAsync<string>(database, definitions));
        Assert.Equal(0L, await Target.CountAsync(database, "import_dropped_indexes"));
    }

    /// <summary>The record as the import writes it (as the owner: the API's role holds nothing on this table).</summary>
    private static async Task RecordDroppedAsync(string database, string index, string definition)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var record = new NpgsqlCommand(
            "INSERT INTO import_dropped_indexes (index_name, table_name, definition) VALUES (@index, 'letters', @definition)", connection);
        record.Parameters.AddWithValue("index", index);
        record.Parameters.AddWithValue("definition", definition);
        await record.ExecuteNonQueryAsync();
    }
}
