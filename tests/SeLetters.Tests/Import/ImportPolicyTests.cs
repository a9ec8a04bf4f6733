using System.Text.Json;
using SeLetters.SampleData.Letters;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

/// <summary>Nothing is lost: each policy of the import on a file that holds the case, counted in the report.</summary>
public sealed class ImportPolicyTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private static readonly LettersSampleOptions EdgeCases = new()
    {
        Letters = 30,
        WithForeignKeys = false,
        MatchesWithNullProductId = 2,
        OrphanProducts = 2,
        OrphanDebugSteps = 1,
        InvalidJsonLetters = 3,
        EmptyJsonLetters = 2,
        NulCharLetters = 2,
        NaNLetters = 3,
    };

    [Fact]
    public async Task Every_edge_case_is_kept_and_counted()
    {
        using var folder = new TempFolder();
        var source = folder.File("letters.duckdb");
        var summary = LettersDuckDbGenerator.Generate(source, EdgeCases);
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(run.Report!.RootElement.GetProperty("ok").GetBoolean(), run.Output);
        var letters = run.Table("import", "letters").GetProperty("policies");

        // Invalid JSON: kept verbatim as a jsonb string.
        Assert.Equal(3, letters.GetProperty("json_invalid_kept_as_string").GetInt64());
        Assert.Equal([1, 2, 3], Ids(letters.GetProperty("json_invalid_ids")));
        Assert.Equal(3L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM letters WHERE jsonb_typeof(raw_grok_json) = 'string'"));
        Assert.Equal(DuckDb.Scalar<string>(source, "SELECT raw_grok_json FROM letters WHERE id = 2"),
            await Target.ScalarAsync<string>(database, "SELECT raw_grok_json #>> '{}' FROM letters WHERE id = 2"));
        // Valid JSON: jsonb objects.
        Assert.Equal(27L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM letters WHERE jsonb_typeof(raw_grok_json) = 'object'"));
        Assert.True(letters.GetProperty("json_valid").GetInt64() >= 27 * 2);

        // Empty string: NULL.
        Assert.Equal(2, letters.GetProperty("json_empty_to_null").GetInt64());
        Assert.Equal(0L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM letters WHERE id IN (1, 2) AND ocr_supplementary_json IS NOT NULL"));

        // NUL characters: removed, reported with the row ids.
        Assert.Equal(summary.NulCharLetterIds, Ids(letters.GetProperty("nul_character_ids")));
        Assert.Equal("Obsolescence notice", await Target.ScalarAsync<string>(database, "SELECT document_title FROM letters WHERE id = 1"));

        // NaN and ±Infinity: kept in real columns.
        Assert.Equal(3, letters.GetProperty("non_finite_reals_kept").GetInt64());
        Assert.Equal("NaN|Infinity|-Infinity", await Target.ScalarAsync<string>(database, "SELECT string_agg(processing_time_ms::text, '|' ORDER BY id) FROM letters WHERE id <= 3"));

        // Constraint breakers: in the quarantine with the source row and the reason, never dropped.
        Assert.Equal(5L, await Target.CountAsync(database, "migration_quarantine"));
        Assert.Equal(2L, await Target.ScalarAsync<long>(database,
            "SELECT count(*) FROM migration_quarantine WHERE source_table = 'letter_product_matches' AND source_row -> 'letter_product_id' = 'null'::jsonb AND reason LIKE 'letter_product_id is NULL%'"));
        Assert.Equal(summary.OrphanProductIds.Select(id => (long)id),
            [await Target.ScalarAsync<long>(database, "SELECT min(source_id) FROM migration_quarantine WHERE source_table = 'letter_products' AND reason LIKE 'letter_id = % no such row in letters'"),
             await Target.ScalarAsync<long>(database, "SELECT max(source_id) FROM migration_quarantine WHERE source_table = 'letter_products'")]);
        Assert.Equal(1L, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM migration_quarantine WHERE source_table = 'processing_debug'"));
        Assert.Equal(2, run.Table("verification", "letter_product_matches").GetProperty("quarantined").GetInt64());
        Assert.Equal(summary.Matches, run.Table("verification", "letter_product_matches").GetProperty("source_rows").GetInt64());
        Assert.Equal(summary.Matches - 2, await Target.CountAsync(database, "letter_product_matches"));

        // A second run adds nothing, to the tables or to the quarantine.
        var again = await ImportRun.ImportAsync(database, folder, source);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(5L, await Target.CountAsync(database, "migration_quarantine"));
        Assert.Equal(0, again.Report!.RootElement.GetProperty("import").GetProperty("rows_imported").GetInt64());
    }

    [Fact]
    public async Task An_old_file_without_matches_table_with_fewer_columns_and_columns_at_the_end_imports()
    {
        using var folder = new TempFolder();
        var source = folder.File("old.duckdb");
        var summary = LettersDuckDbGenerator.Generate(source, new LettersSampleOptions
        {
            Letters = 25, ColumnOrder = LettersColumnOrder.Upgraded, WithMatchesTable = false, WithProductScoreColumns = false, WithDebugErrorMessage = false,
        });
        DuckDb.Execute(source, "ALTER TABLE letters ADD COLUMN reviewer_notes TEXT", "UPDATE letters SET reviewer_notes = 'checked' WHERE id = 1");
        var database = postgres.ConnectionStringFor(postgres.NewDatabaseName());

        var run = await ImportRun.ImportAsync(database, folder, source);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(run.Report!.RootElement.GetProperty("ok").GetBoolean(), run.Output);
        Assert.Equal(summary.Letters, await Target.CountAsync(database, "letters"));
        Assert.Equal(0L, await Target.CountAsync(database, "letter_product_matches"));
        Assert.False(run.Table("import", "letter_product_matches").GetProperty("in_source").GetBoolean());
        // Missing columns take the target's defaults; the extra column is reported, not fatal.
        Assert.Equal(summary.Products, await Target.ScalarAsync<long>(database, "SELECT count(*) FROM letter_products WHERE confidence_score = 0 AND validation_status = 'validated'"));
        Assert.Equal(["confidence_score", "validation_status"], run.Table("import", "letter_products").GetProperty("missing_columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["reviewer_notes"], run.Table("import", "letters").GetProperty("unknown_columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("reviewer_notes", run.Output);
        // Mapped by name, not position: updated_at (at the end in the source) lands in updated_at.
        Assert.Equal(DuckDb.Scalar<string>(source, "SELECT strftime(updated_at, '%Y-%m-%d %H:%M:%S.%f') FROM letters WHERE id = 7"),
            await Target.ScalarAsync<string>(database, "SELECT to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US') FROM letters WHERE id = 7"));
    }

    private static List<int> Ids(JsonElement array) => array.EnumerateArray().Select(id => id.GetInt32()).ToList();
}
