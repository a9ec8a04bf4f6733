using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

/// <summary>Hand-made variants of the source schema: other column types, converted explicitly; types that cannot be are refused.</summary>
public sealed class HandMadeSourceTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Other_source_types_are_converted_explicitly_and_verify()
    {
        using var folder = new TempFolder();
        var source = folder.File("handmade.duckdb");
        DuckDb.Execute(source,
            """
            CREATE TABLE letters (id BIGINT PRIMARY KEY, document_name VARCHAR NOT NULL, source_file_path VARCHAR NOT NULL,
                file_size BIGINT, processing_time_ms DOUBLE, extraction_confidence DECIMAL(5, 3), created_at TIMESTAMP,
                updated_at DATE, raw_grok_json JSON, validation_details_json VARCHAR)
            """,
            """
            INSERT INTO letters VALUES
                (3, 'a.pdf', 'in/a.pdf', 123456, 1234.5, 0.875, TIMESTAMP '2024-05-01 10:11:12.123456', DATE '2024-05-02', '{"b": 1, "a": [1.50, 2e2]}', '{"note": "x\u0000y"}'),
                (9, 'b.pdf', 'in/b.pdf', NULL, 'NaN'::DOUBLE, NULL, NULL, NULL, NULL, '   '),
                (10, 'c.pdf', 'in/c.pdf', NULL, 1e300, NULL, NULL, NULL, NULL, NULL),
                (11, 'd.pdf', 'in/d.pdf', 3000000000, NULL, NULL, NULL, NULL, NULL, NULL)
            """,
            """
            CREATE TABLE letter_products (id INTEGER PRIMARY KEY, letter_id INTEGER NOT NULL, product_identifier VARCHAR, end_of_service_date DATE)
            """,
            "INSERT INTO letter_products VALUES (1, 3, 'LC1D09', DATE '2026-12-31'), (2, 9, 'ATV61', NULL), (3, 9, 'XB4', DATE '10000-01-01')");
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(run.Report!.RootElement.GetProperty("ok").GetBoolean(), run.Output);
        Assert.Equal("123456|1234.5|0.875|2024-05-01 10:11:12.123456", await Target.ScalarAsync<string>(database,
            "SELECT file_size || '|' || processing_time_ms || '|' || extraction_confidence || '|' || created_at FROM letters WHERE id = 3"));
        Assert.Equal("NaN", await Target.ScalarAsync<string>(database, "SELECT processing_time_ms::text FROM letters WHERE id = 9"));
        Assert.Equal("""{"a": [1.50, 200], "b": 1}""", await Target.ScalarAsync<string>(database, "SELECT raw_grok_json::text FROM letters WHERE id = 3"));
        // \u0000 in JSON (which jsonb refuses) removed and reported; blank JSON → NULL.
        Assert.Equal("""{"note": "xy"}""", await Target.ScalarAsync<string>(database, "SELECT validation_details_json::text FROM letters WHERE id = 3"));
        Assert.Equal([3], run.Table("import", "letters").GetProperty("policies").GetProperty("nul_character_ids").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Equal(0L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM letters WHERE id = 9 AND validation_details_json IS NOT NULL"));
        Assert.Equal("2026-12-31", await Target.ScalarAsync<string>(database, "SELECT end_of_service_date FROM letter_products WHERE id = 1"));
        // A date beyond .NET's years, in a text column: DuckDB's text of it.
        Assert.Equal("10000-01-01", await Target.ScalarAsync<string>(database, "SELECT end_of_service_date FROM letter_products WHERE id = 3"));
        // A DATE in a timestamp column: midnight.
        Assert.Equal("2024-05-02 00:00:00", await Target.ScalarAsync<string>(database, "SELECT updated_at::text FROM letters WHERE id = 3"));
        // A DOUBLE past float's range would become Infinity, an integer past int's would not fit: quarantined, with the reason.
        Assert.Equal("10: processing_time_ms = 1E+300 does not fit the target's real column; 11: file_size = 3000000000 does not fit the target's integer column",
            await Target.ScalarAsync<string>(database, "SELECT string_agg(source_id || ': ' || reason, '; ' ORDER BY source_id) FROM migration_quarantine WHERE source_table = 'letters'"));
        // The next id comes after the source's largest.
        Assert.Equal(12L, await Target.ScalarAsync<long>(database, "INSERT INTO letters (document_name, source_file_path) VALUES ('n', 'n') RETURNING id"));
    }

    [Fact]
    public async Task A_source_type_without_a_conversion_is_refused_before_anything_is_written()
    {
        using var folder = new TempFolder();
        var source = folder.File("handmade.duckdb");
        DuckDb.Execute(source,
            "CREATE TABLE letters (id INTEGER PRIMARY KEY, document_name VARCHAR NOT NULL, source_file_path VARCHAR NOT NULL, created_at VARCHAR)",
            "INSERT INTO letters VALUES (1, 'a.pdf', 'in/a.pdf', 'yesterday')");
        var database = await postgres.CreateMigratedDatabaseAsync();

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The source column letters.created_at has DuckDB type VARCHAR, which the importer does not convert to the target's timestamp column", run.Output);
        Assert.Equal(0L, await Target.CountAsync(database, "import_runs"));
    }
}
