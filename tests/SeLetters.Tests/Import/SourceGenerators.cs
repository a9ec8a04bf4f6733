using System.Globalization;
using CsCheck;
using DuckDB.NET.Native;
using SeLetters.SampleData.Letters;

namespace SeLetters.Tests.Import;

/// <summary>A generated letters.duckdb: its shape and its rows.</summary>
internal sealed record GeneratedSource(LettersSampleOptions Shape, IReadOnlyList<SourceRow> Rows)
{
    /// <summary>Readable when CsCheck reports a (shrunk) counter-example: the shape, then each row's values as DuckDB literals.</summary>
    public override string ToString() =>
        $"{Shape.ColumnOrder}, matches {Shape.WithMatchesTable}, scores {Shape.WithProductScoreColumns}, error_message {Shape.WithDebugErrorMessage}, " +
        $"foreign keys {Shape.WithForeignKeys}\n" + string.Join('\n', Rows.Select(row =>
            $"{row.Table}: {string.Join(", ", row.Values.Select(value => $"{value.Key} = {Shorten(SourceFile.Literal(value.Value))}"))}"));

    private static string Shorten(string literal) => literal.Length <= 120 ? literal : $"{literal[..100]}... ({literal.Length} chars)";
}

/// <summary>
/// CsCheck generators over the whole value domain of each column kind of the letters tables, and of files of every
/// shape the original application wrote (source-duckdb-format.md).
/// </summary>
internal static class SourceGenerators
{
    private static readonly Gen<string> Piece = Gen.Frequency<string>(
        (8, Gen.Char['a', 'z'].Array[1, 8].Select(chars => new string(chars))),
        (2, Gen.Const("\0")),
        (2, Gen.Char[(char)1, (char)31].Select(c => c.ToString())),
        (2, Gen.OneOf("'", "\"", "\\", "é", "\u00a0", "\ufeff", "\u2028", "\uffff", " ", "中文")),
        (2, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)));

    /// <summary>
    /// Text: empty, short with NUL, control and non-BMP characters anywhere, long (to 100,000 characters), or around
    /// the 2,600 bytes a btree index entry of the target takes.
    /// </summary>
    public static readonly Gen<string> Text = Gen.Frequency<string>(
        (1, Gen.Const("")),
        (8, Piece.Array[1, 12].Select(string.Concat)),
        (1, Gen.Int[1_000, 100_000].Select(length => new string('x', length) + "\0end")),
        (1, Gen.Char['a', 'z'].Array[2_500, 2_700].Select(chars => new string(chars))));

    private static readonly Gen<string> JsonNumber =
        Gen.Select(Gen.Bool, Gen.OneOf<string>(Gen.Const("0"), Gen.Int[1, int.MaxValue].Select(n => n.ToString(CultureInfo.InvariantCulture))),
            Gen.OneOf<string>(Gen.Const(""), Gen.Char['0', '9'].Array[1, 6].Select(digits => "." + new string(digits))),
            Gen.OneOf<string>(Gen.Const(""), Gen.Select(Gen.OneOf("e", "E", "e+", "e-", "E-"),
                Gen.OneOf<int>(Gen.Int[0, 400], Gen.OneOf(16_382, 16_383, 16_384, 131_070, 131_071, 131_072, 1_073_741_822, 1_073_741_823)),
                (e, n) => e + n.ToString(CultureInfo.InvariantCulture))),
            (negative, integer, fraction, exponent) => (negative ? "-" : "") + integer + fraction + exponent);

    private static readonly Gen<string> JsonStringContent = Gen.Frequency<string>(
        (6, Gen.Char['a', 'z'].Array[0, 6].Select(chars => new string(chars))),
        (2, Gen.OneOf("\\u0000", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u001f", "\\ud83d\\ude00", "😀", "é")),
        (1, Gen.OneOf("\\ud800", "\\udc00", "\\ud800x")))
        .Array[0, 4].Select(string.Concat);

    private static readonly Gen<string> JsonString = JsonStringContent.Select(content => "\"" + content + "\"");

    private static readonly Gen<string> JsonScalar = Gen.Frequency<string>(
        (3, JsonString), (3, JsonNumber), (1, Gen.OneOf("true", "false", "null")));

    /// <summary>JSON values: nested objects (duplicate keys, keys with escapes) and arrays, any scalar, any spacing.</summary>
    public static readonly Gen<string> JsonValue = Gen.Recursive<string>((depth, value) => depth >= 3
        ? JsonScalar
        : Gen.Frequency<string>(
            (3, JsonScalar),
            (2, value.Array[0, 4].Select(items => "[" + string.Join(", ", items) + "]")),
            (2, Gen.Select(Gen.OneOf<string>(JsonString, Gen.OneOf("\"a\"", "\"b\"")), value).Array[0, 4]
                .Select(members => "{" + string.Join(",\n  ", members.Select(member => member.Item1 + ": " + member.Item2)) + "}"))));

    /// <summary>
    /// A JSON column: NULL, blank, valid JSON (pretty-printed or not), JSON cut off mid-way (truncated LLM output),
    /// any text, or nesting deeper than the importer parses.
    /// </summary>
    public static readonly Gen<string?> Json = Gen.Frequency<string?>(
        (1, Gen.Const((string?)null)),
        (1, Gen.OneOf<string?>("", " ", "\n\t ")),
        (5, JsonValue.Select(json => (string?)json)),
        (2, JsonValue.SelectMany(json => Gen.Int[0, json.Length].Select(cut => (string?)json[..cut]))),
        (1, Text.Select(text => (string?)text)),
        (1, Gen.Int[255, 300].Select(depth => (string?)(new string('[', depth) + new string(']', depth)))));

    /// <summary>Any float: every bit pattern (NaN, ±Infinity, ±0, subnormals, the extremes) and everyday values.</summary>
    public static readonly Gen<float> Real = Gen.Frequency<float>(
        (3, Gen.Int.Select(BitConverter.Int32BitsToSingle)),
        (2, Gen.OneOf(float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.0f, 0.0f, float.Epsilon, -float.Epsilon,
            float.MaxValue, float.MinValue, BitConverter.Int32BitsToSingle(0x007fffff), 1.17549435E-38f)),
        (1, Gen.Int[1, 0x007fffff].Select(BitConverter.Int32BitsToSingle)),
        (3, Gen.Double[0, 60_000].Select(value => (float)value)));

    private const long DuckDbEarliest = -9_223_372_022_400_000_000; // 290309-12-22 BC
    private const long DuckDbLatest = 9_223_372_036_854_775_806; // 294247-01-10 04:00:54.775806
    private const long PostgresEarliest = -210_866_803_200_000_000; // 4714-11-24 BC, in DuckDB's microseconds since 1970

    /// <summary>Any DuckDB timestamp: ±infinity, both ranges' limits, DateTime's, and anything between.</summary>
    public static readonly Gen<DuckDBTimestamp> Timestamp = Gen.Frequency<DuckDBTimestamp>(
        (2, Gen.OneOf(DuckDBTimestamp.PositiveInfinity, DuckDBTimestamp.NegativeInfinity)),
        (3, Gen.OneOf(DuckDbEarliest, DuckDbLatest, PostgresEarliest, PostgresEarliest - 1, -62_135_596_800_000_000, 253_402_300_799_999_999,
            253_402_300_800_000_000, 946_684_800_000_000, 0, -1).Select(SourceFile.Timestamp)),
        (3, Gen.Long[DuckDbEarliest, DuckDbLatest].Select(SourceFile.Timestamp)),
        (4, Gen.Long[0, 2_000_000_000_000_000].Select(SourceFile.Timestamp)));

    private static Gen<object?> Nullable<T>(Gen<T> gen) => Gen.Frequency<object?>((1, Gen.Const((object?)null)), (4, gen.Select(value => (object?)value)));

    private static readonly Gen<object?> NullableText = Nullable(Text);
    private static readonly Gen<object?> NullableReal = Nullable(Real);
    private static readonly Gen<object?> NullableTimestamp = Nullable(Timestamp);
    private static readonly Gen<object?> NullableBoolean = Nullable(Gen.Bool);
    private static readonly Gen<object?> NullableJson = Json.Select(json => (object?)json);

    public static readonly Gen<LettersSampleOptions> Shape =
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, (upgraded, matches, scores, errorMessage, foreignKeys) => new LettersSampleOptions
        {
            ColumnOrder = upgraded ? LettersColumnOrder.Upgraded : LettersColumnOrder.Current,
            WithMatchesTable = matches, WithProductScoreColumns = scores, WithDebugErrorMessage = errorMessage, WithForeignKeys = foreignKeys,
        });

    /// <summary>Distinct ids: small ones, negative ones, zero and int's extremes.</summary>
    private static Gen<int[]> Ids(int max) =>
        Gen.Frequency<int>((6, Gen.Int[1, 60]), (1, Gen.Int[-5, 0]), (1, Gen.OneOf(int.MaxValue, int.MinValue)))
            .HashSet[0, max].Select(ids => ids.ToArray());

    private static Gen<Dictionary<string, object?>> Columns(params (string Name, Gen<object?> Gen)[] columns) =>
        All(columns.Select(column => column.Gen)).Select(values => columns.Select((column, i) => (column.Name, values[i])).ToDictionary());

    private static Gen<T[]> All<T>(IEnumerable<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(Array.Empty<T>()), (all, gen) => Gen.Select(all, gen, (items, item) => (T[])[.. items, item]));

    /// <summary>A parent id: one of the parents, or (without foreign keys) one that does not exist, or NULL where allowed.</summary>
    private static Gen<object?> Reference(int[] parents, bool foreignKeys, bool nullable)
    {
        var choices = new List<(int, IGen<object?>)>();
        if (parents.Length > 0)
        {
            choices.Add((6, Gen.OneOf(parents).Select(id => (object?)id)));
        }

        if (!foreignKeys)
        {
            choices.Add((1, Gen.Const((object?)999_999)));
        }

        if (nullable)
        {
            choices.Add((1, Gen.Const((object?)null)));
        }

        return Gen.Frequency<object?>(choices.ToArray());
    }

    /// <summary>A small source file of any shape whose rows cover every column kind's domain; foreign keys hold where the shape has them.</summary>
    public static readonly Gen<GeneratedSource> Source =
        from shape in Shape
        from letterIds in Ids(6)
        from letters in All(letterIds.Select(id => Columns(
            ("document_name", Text.Select(text => (object?)text)), ("document_type", NullableText), ("document_title", NullableText),
            ("source_file_path", Text.Select(text => (object?)text)), ("file_size", Nullable(Gen.Int)), ("processing_method", NullableText),
            ("processing_time_ms", NullableReal), ("extraction_confidence", NullableReal), ("created_at", NullableTimestamp),
            ("updated_at", NullableTimestamp), ("status", NullableText), ("raw_grok_json", NullableJson), ("ocr_supplementary_json", NullableJson),
            ("processing_steps_json", NullableJson), ("file_hash", NullableText), ("validation_details_json", NullableJson))
            .Select(values => Row("letters", id, values))))
        // With foreign keys, a child needs a letter to point to.
        let children = shape.WithForeignKeys && letterIds.Length == 0 ? 0 : 6
        from productIds in Ids(children)
        from products in All(productIds.Select(id => Columns(
            ("letter_id", Reference(letterIds, shape.WithForeignKeys, nullable: false)), ("product_identifier", NullableText),
            ("range_label", NullableText), ("subrange_label", NullableText), ("product_line", NullableText), ("product_description", NullableText),
            ("obsolescence_status", NullableText), ("end_of_service_date", NullableText), ("replacement_suggestions", NullableText),
            ("confidence_score", NullableReal), ("validation_status", NullableText))
            .Select(values => Row("letter_products", id, values))))
        from matchIds in Ids(shape.WithMatchesTable ? children : 0)
        from matches in All(matchIds.Select(id => Columns(
            ("letter_id", Reference(letterIds, shape.WithForeignKeys, nullable: false)),
            ("letter_product_id", Reference(productIds, shape.WithForeignKeys, nullable: true)),
            ("ibcatalogue_product_identifier", Text.Select(text => (object?)text)), ("match_confidence", Real.Select(real => (object?)real)),
            ("match_reason", NullableText), ("technical_match_score", NullableReal), ("nomenclature_match_score", NullableReal),
            ("product_line_match_score", NullableReal), ("match_type", NullableText), ("range_based_matching", NullableBoolean),
            ("created_at", NullableTimestamp))
            .Select(values => Row("letter_product_matches", id, values))))
        from debugIds in Ids(children)
        from steps in All(debugIds.Select(id => Columns(
            ("letter_id", Reference(letterIds, shape.WithForeignKeys, nullable: false)), ("processing_step", Text.Select(text => (object?)text)),
            ("step_timestamp", NullableTimestamp), ("step_duration_ms", NullableReal), ("step_success", NullableBoolean),
            ("step_details", NullableText), ("error_message", NullableText))
            .Select(values => Row("processing_debug", id, values))))
        select new GeneratedSource(shape, [.. letters, .. products, .. matches, .. steps]);

    private static SourceRow Row(string table, int id, Dictionary<string, object?> values) =>
        new(table, new Dictionary<string, object?> { ["id"] = id }.Concat(values).ToDictionary());
}
