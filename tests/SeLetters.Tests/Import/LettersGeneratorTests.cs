using SeLetters.SampleData.Letters;

using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

public sealed class LettersGeneratorTests
{
    [Fact]
    public void Writes_the_source_format_with_the_expected_row_counts()
    {
        using var folder = new TempFolder();
        var path = folder.File("letters.duckdb");

        var summary = LettersDuckDbGenerator.Generate(path, new LettersSampleOptions { Letters = 20, SequenceAhead = 3, IdGapEvery = 4 });

        Assert.Equal((20, 100, 100, 120), (summary.Letters, summary.Products, summary.Matches, summary.DebugSteps));
        Assert.Equal(20L, DuckDb.Scalar<long>(path, "SELECT count(*) FROM letters"));
        Assert.Equal(120L, DuckDb.Scalar<long>(path, "SELECT count(*) FROM processing_debug"));
        Assert.Equal("FLOAT", DuckDb.Scalar<string>(path, "SELECT data_type FROM information_schema.columns WHERE table_name = 'letters' AND column_name = 'processing_time_ms'"));
        Assert.Equal("VARCHAR", DuckDb.Scalar<string>(path, "SELECT data_type FROM information_schema.columns WHERE table_name = 'letters' AND column_name = 'raw_grok_json'"));
        // Gaps: ids 4, 8, ... are missing; the sequence is ahead of max(id).
        Assert.Equal(0L, DuckDb.Scalar<long>(path, "SELECT count(*) FROM letters WHERE id % 4 = 0"));
        var maxId = DuckDb.Scalar<long>(path, "SELECT max(id) FROM letters");
        var sequence = DuckDb.Scalar<long>(path, "SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'letters_id_seq'");
        Assert.True(sequence >= maxId + 3, $"letters_id_seq {sequence}, max(id) {maxId}");
        // Grok-style JSON of 2-8 KB, pretty-printed, valid.
        Assert.InRange(DuckDb.Scalar<long>(path, "SELECT min(strlen(raw_grok_json)) FROM letters"), 2000, 8000);
        Assert.InRange(DuckDb.Scalar<long>(path, "SELECT max(strlen(raw_grok_json)) FROM letters"), 2000, 8500);
        Assert.Equal(20L, DuckDb.Scalar<long>(path, "SELECT count(*) FROM letters WHERE json_valid(raw_grok_json) AND raw_grok_json LIKE '{\n  \"document_information\"%'"));
    }

    [Fact]
    public void Is_deterministic_and_a_bigger_file_extends_a_smaller_one()
    {
        using var folder = new TempFolder();
        LettersDuckDbGenerator.Generate(folder.File("a.duckdb"), new LettersSampleOptions { Letters = 10 });
        LettersDuckDbGenerator.Generate(folder.File("b.duckdb"), new LettersSampleOptions { Letters = 10 });
        LettersDuckDbGenerator.Generate(folder.File("c.duckdb"), new LettersSampleOptions { Letters = 15 });

        var digest = "SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY id)) FROM {0} t WHERE id <= 10";
        foreach (var table in new[] { "letters", "letter_products", "letter_product_matches", "processing_debug" })
        {
            var a = DuckDb.Scalar<string>(folder.File("a.duckdb"), string.Format(System.Globalization.CultureInfo.InvariantCulture, digest, table));
            Assert.Equal(a, DuckDb.Scalar<string>(folder.File("b.duckdb"), string.Format(System.Globalization.CultureInfo.InvariantCulture, digest, table)));
            Assert.Equal(a, DuckDb.Scalar<string>(folder.File("c.duckdb"), string.Format(System.Globalization.CultureInfo.InvariantCulture, digest, table)));
        }
    }

    [Fact]
    public void Writes_the_old_shapes()
    {
        using var folder = new TempFolder();
        var path = folder.File("old.duckdb");

        LettersDuckDbGenerator.Generate(path, new LettersSampleOptions
        {
            Letters = 5, ColumnOrder = LettersColumnOrder.Upgraded, WithMatchesTable = false, WithProductScoreColumns = false, WithDebugErrorMessage = false,
        });

        Assert.Equal(["file_hash", "updated_at", "validation_details_json"], DuckDb.Columns(path, "letters")[^3..]);
        Assert.Equal(10, DuckDb.Columns(path, "letter_products").Count);
        Assert.Equal(7, DuckDb.Columns(path, "processing_debug").Count);
        Assert.Empty(DuckDb.Columns(path, "letter_product_matches"));
    }

    [Fact]
    public void Writes_the_edge_cases()
    {
        using var folder = new TempFolder();
        var path = folder.File("edge.duckdb");

        LettersDuckDbGenerator.Generate(path, new LettersSampleOptions { Letters = 10, NulCharLetters = 2, InvalidJsonLetters = 1, NaNLetters = 3, WithForeignKeys = false, OrphanProducts = 1 });

        Assert.Equal(2L, DuckDb.Scalar<long>(path, "SELECT count(*) FROM letters WHERE contains(document_title, chr(0))"));
        Assert.Equal(1L, DuckDb.Scalar<long>(path, "SELECT count(*) FROM letters WHERE NOT json_valid(raw_grok_json)"));
        Assert.Equal(3L, DuckDb.Scalar<long>(path, "SELECT count(*) FROM letters WHERE isnan(processing_time_ms) OR isinf(processing_time_ms)"));
        Assert.Equal(1L, DuckDb.Scalar<long>(path, "SELECT count(*) FROM letter_products p WHERE NOT EXISTS (SELECT 1 FROM letters l WHERE l.id = p.letter_id)"));
    }
}
