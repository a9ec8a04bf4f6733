using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DuckDB.NET.Data;
using static SeLetters.SampleData.DuckDbStatements;

namespace SeLetters.SampleData.Letters;

/// <summary>
/// Writes a letters.duckdb in the original application's format (sequences, <c>INTEGER DEFAULT nextval(...) PRIMARY KEY</c>,
/// FLOAT columns, JSON kept as VARCHAR), deterministically: the same options give the same rows. Letter i's content depends
/// only on the seed and i, so a file with more letters is a "newer copy" of one with fewer (same first rows, new rows after).
/// Rows are streamed through DuckDB's appender: any size.
/// </summary>
public static class LettersDuckDbGenerator
{
    private static readonly DateTime Epoch = new(2024, 1, 8, 8, 0, 0, DateTimeKind.Unspecified);

    private static readonly JsonWriterOptions PrettyJson = new()
    {
        Indented = true,
        // As Python's json.dumps(ensure_ascii=False, indent=2) wrote it: non-ASCII text unescaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the file (replacing an existing one) and returns what it holds.</summary>
    public static LettersSampleSummary Generate(string path, LettersSampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.OrphanProducts > 0 || options.OrphanDebugSteps > 0) && options.WithForeignKeys)
        {
            throw new ArgumentException("Orphans need a schema without foreign keys (WithForeignKeys = false).", nameof(options));
        }

        if (options.IdGapEvery == 1)
        {
            throw new ArgumentException("IdGapEvery must be 0 (no gaps) or at least 2.", nameof(options));
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.Delete(path);
        File.Delete(path + ".wal");

        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        LettersSourceSchema.Create(connection, options);

        var summary = new LettersSampleSummary();
        AppendLetters(connection, options, summary);
        AppendProducts(connection, options, summary);
        if (options.WithMatchesTable)
        {
            AppendMatches(connection, options, summary);
        }

        AppendDebugSteps(connection, options, summary);
        if (summary.NulCharLetterIds.Count > 0)
        {
            Execute(connection, $"UPDATE letters SET document_title = 'Obsolescence' || chr(0) || ' notice' || chr(0) WHERE id IN ({string.Join(", ", summary.NulCharLetterIds)})");
        }

        AdvanceSequences(connection, options);
        Execute(connection, "CHECKPOINT");
        return summary;
    }

    /// <summary>The n-th id (0-based) of a table, leaving out every <see cref="LettersSampleOptions.IdGapEvery"/>-th id.</summary>
    public static int IdAt(long index, LettersSampleOptions options) =>
        checked((int)(options.IdGapEvery >= 2 ? index + 1 + index / (options.IdGapEvery - 1) : index + 1));

    private static Random RandomFor(LettersSampleOptions options, int letterIndex, int salt) =>
        new(unchecked((options.Seed * 1_000_003) + (letterIndex * 7919) + salt));

    private static DateTime Microseconds(DateTime value) => new(value.Ticks - (value.Ticks % 10), DateTimeKind.Unspecified);

    private static DateTime CreatedAt(int letterIndex, Random random) =>
        Microseconds(Epoch.AddMinutes(letterIndex * 37.0).AddTicks(random.NextInt64(0, TimeSpan.TicksPerMinute * 30)));

    private static void AppendLetters(DuckDBConnection connection, LettersSampleOptions options, LettersSampleSummary summary)
    {
        using var appender = connection.CreateAppender("letters");
        for (var i = 0; i < options.Letters; i++)
        {
            var random = RandomFor(options, i, 1);
            var letter = LetterContent.Create(random, i, options);
            var id = IdAt(i, options);
            var created = CreatedAt(i, random);
            var updated = Microseconds(created.AddSeconds(random.Next(0, 3600)));
            var name = letter.DocumentName;
            string? title = letter.Title;
            if (i < options.NulCharLetters)
            {
                title = "Obsolescence notice"; // the NUL characters are put in by SQL below: the appender stops a string at NUL
                summary.NulCharLetterIds.Add(id);
            }

            float processingTime = (float)(1000 + (random.NextDouble() * 59000));
            if (i < options.NaNLetters)
            {
                processingTime = (i % 3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
            }

            string? rawJson = GrokJson(random, letter);
            if (i < options.InvalidJsonLetters)
            {
                rawJson = rawJson[..(rawJson.Length / 2)]; // output cut off mid-way
            }

            string? ocrJson = random.Next(3) == 0 ? null : OcrJson(random, letter);
            if (i < options.EmptyJsonLetters)
            {
                ocrJson = "";
            }

            var status = random.Next(10) switch { 0 => "failed", 1 => "pending", _ => "processed" };
            var values = new Dictionary<string, object?>
            {
                ["id"] = id,
                ["document_name"] = name,
                ["document_type"] = letter.DocumentType,
                ["document_title"] = title,
                ["source_file_path"] = $"data/input/letters/{name}",
                ["file_size"] = random.Next(40_000, 4_000_000),
                ["processing_method"] = "production_pipeline",
                ["processing_time_ms"] = processingTime,
                ["extraction_confidence"] = (float)(0.55 + (random.NextDouble() * 0.44)),
                ["created_at"] = created,
                ["updated_at"] = updated,
                ["status"] = status,
                ["raw_grok_json"] = rawJson,
                ["ocr_supplementary_json"] = ocrJson,
                ["processing_steps_json"] = StepsJson(random),
                ["file_hash"] = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())),
                ["validation_details_json"] = random.Next(4) == 0 ? null : ValidationJson(random),
            };
            var columns = options.ColumnOrder == LettersColumnOrder.Current
                ? LetterColumnsCurrent
                : LetterColumnsUpgraded;
            AppendRow(appender, columns, values);
            summary.Letters++;
        }
    }

    private static readonly string[] LetterColumnsCurrent =
    [
        "id", "document_name", "document_type", "document_title", "source_file_path", "file_size", "processing_method",
        "processing_time_ms", "extraction_confidence", "created_at", "updated_at", "status", "raw_grok_json",
        "ocr_supplementary_json", "processing_steps_json", "file_hash", "validation_details_json",
    ];

    private static readonly string[] LetterColumnsUpgraded =
    [
        "id", "document_name", "document_type", "document_title", "source_file_path", "file_size", "processing_method",
        "processing_time_ms", "extraction_confidence", "created_at", "status", "raw_grok_json", "ocr_supplementary_json",
        "processing_steps_json", "file_hash", "updated_at", "validation_details_json",
    ];

    private static void AppendProducts(DuckDBConnection connection, LettersSampleOptions options, LettersSampleSummary summary)
    {
        using var appender = connection.CreateAppender("letter_products");
        long index = 0;
        for (var i = 0; i < options.Letters; i++)
        {
            var random = RandomFor(options, i, 2);
            var letter = LetterContent.Create(RandomFor(options, i, 1), i, options);
            for (var k = 0; k < options.ProductsPerLetter; k++)
            {
                AppendProduct(appender, options, IdAt(index++, options), IdAt(i, options), letter.Products[k % letter.Products.Length], random);
                summary.Products++;
            }
        }

        index = (long)options.Letters * options.ProductsPerLetter;
        for (var k = 0; k < options.OrphanProducts; k++)
        {
            var id = IdAt(index++, options);
            var random = RandomFor(options, -1 - k, 2);
            AppendProduct(appender, options, id, 1_000_000_000 + k, LetterContent.RandomProduct(random), random);
            summary.OrphanProductIds.Add(id);
            summary.Products++;
        }
    }

    private static void AppendProduct(DuckDBAppender appender, LettersSampleOptions options, int id, int letterId, ProductContent product, Random random)
    {
        var row = appender.CreateRow();
        row.AppendValue(id).AppendValue(letterId).AppendValue(product.Identifier).AppendValue(product.Range)
            .AppendValue(product.Subrange).AppendValue(product.Line).AppendValue(product.Description)
            .AppendValue(product.Status).AppendValue(product.EndOfService).AppendValue(product.Replacements);
        if (options.WithProductScoreColumns)
        {
            row.AppendValue((float)(0.6 + (random.NextDouble() * 0.4))).AppendValue(random.Next(8) == 0 ? "needs_review" : "validated");
        }

        row.EndRow();
    }

    private static void AppendMatches(DuckDBConnection connection, LettersSampleOptions options, LettersSampleSummary summary)
    {
        using var appender = connection.CreateAppender("letter_product_matches");
        long index = 0;
        for (var i = 0; i < options.Letters; i++)
        {
            var random = RandomFor(options, i, 3);
            var created = CreatedAt(i, RandomFor(options, i, 1)).AddMinutes(5);
            for (var k = 0; k < options.MatchesPerLetter; k++)
            {
                int? productId = options.ProductsPerLetter == 0 ? null : IdAt(((long)i * options.ProductsPerLetter) + (k % options.ProductsPerLetter), options);
                AppendMatch(appender, IdAt(index++, options), IdAt(i, options), productId, created, random);
                summary.Matches++;
            }
        }

        index = (long)options.Letters * options.MatchesPerLetter;
        for (var k = 0; k < options.MatchesWithNullProductId; k++)
        {
            var id = IdAt(index++, options);
            var random = RandomFor(options, -1 - k, 3);
            AppendMatch(appender, id, IdAt(k % Math.Max(1, options.Letters), options), null, Epoch, random);
            summary.NullProductMatchIds.Add(id);
            summary.Matches++;
        }
    }

    private static void AppendMatch(DuckDBAppender appender, int id, int letterId, int? productId, DateTime created, Random random)
    {
        var technical = (float)random.NextDouble();
        var nomenclature = (float)random.NextDouble();
        var line = (float)random.NextDouble();
        var row = appender.CreateRow();
        row.AppendValue(id).AppendValue(letterId);
        if (productId is { } value)
        {
            row.AppendValue(value);
        }
        else
        {
            row.AppendNullValue();
        }

        row.AppendValue($"{LetterContent.Pick(random, LetterContent.Prefixes)}{random.Next(1000, 99999)}")
            .AppendValue((technical + nomenclature + line) / 3f)
            .AppendValue(LetterContent.Pick(random, MatchReasons))
            .AppendValue(technical).AppendValue(nomenclature).AppendValue(line)
            .AppendValue(LetterContent.Pick(random, MatchTypes))
            .AppendValue(random.Next(2) == 0)
            .AppendValue(created)
            .EndRow();
    }

    private static readonly string[] MatchReasons =
    [
        "Exact product identifier match in IBcatalogue",
        "Range and subrange match; commercial reference differs by suffix",
        "Nomenclature similarity (\"LC1D\" family) with product line PPIBS",
        "Remplacement indiqué dans la lettre : gamme équivalente",
    ];

    private static readonly string[] MatchTypes = ["exact", "range_based", "fuzzy", "replacement"];

    private static readonly string[] Steps = ["file_validation", "ocr_extraction", "grok_extraction", "product_parsing", "ibcatalogue_matching", "database_storage"];

    private static void AppendDebugSteps(DuckDBConnection connection, LettersSampleOptions options, LettersSampleSummary summary)
    {
        using var appender = connection.CreateAppender("processing_debug");
        long index = 0;
        for (var i = 0; i < options.Letters; i++)
        {
            var random = RandomFor(options, i, 4);
            var at = CreatedAt(i, RandomFor(options, i, 1));
            for (var k = 0; k < options.DebugStepsPerLetter; k++)
            {
                at = Microseconds(at.AddTicks(random.NextInt64(1, TimeSpan.TicksPerSecond * 20)));
                AppendDebugStep(appender, options, IdAt(index++, options), IdAt(i, options), Steps[k % Steps.Length], at, random);
                summary.DebugSteps++;
            }
        }

        index = (long)options.Letters * options.DebugStepsPerLetter;
        for (var k = 0; k < options.OrphanDebugSteps; k++)
        {
            var id = IdAt(index++, options);
            AppendDebugStep(appender, options, id, 2_000_000_000 + k, "file_validation", Epoch, RandomFor(options, -1 - k, 4));
            summary.OrphanDebugStepIds.Add(id);
            summary.DebugSteps++;
        }
    }

    private static void AppendDebugStep(DuckDBAppender appender, LettersSampleOptions options, int id, int letterId, string step, DateTime at, Random random)
    {
        var success = random.Next(12) != 0;
        var row = appender.CreateRow();
        row.AppendValue(id).AppendValue(letterId).AppendValue(step).AppendValue(at)
            .AppendValue((float)(random.NextDouble() * 9000))
            .AppendValue(success)
            .AppendValue($"{{\"step\": \"{step}\", \"attempt\": {random.Next(1, 3)}, \"détails\": \"ok\"}}");
        if (options.WithDebugErrorMessage)
        {
            if (success)
            {
                row.AppendNullValue();
            }
            else
            {
                row.AppendValue($"Step '{step}' failed: timeout after {random.Next(10, 120)} s");
            }
        }

        row.EndRow();
    }

    private static void AdvanceSequences(DuckDBConnection connection, LettersSampleOptions options)
    {
        var sequences = new List<(string Sequence, string Table)>
        {
            ("letters_id_seq", "letters"), ("products_id_seq", "letter_products"), ("debug_id_seq", "processing_debug"),
        };
        if (options.WithMatchesTable)
        {
            sequences.Add(("matches_id_seq", "letter_product_matches"));
        }

        foreach (var (sequence, table) in sequences)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT coalesce(max(id), 0) FROM {table}";
            var target = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) + options.SequenceAhead;
            if (target > 0)
            {
                // As the application did: ids handed out by nextval (the rows appended above carried explicit ids).
                Execute(connection, $"SELECT max(nextval('{sequence}')) FROM range({target})");
            }

        }
    }

    private static void AppendRow(DuckDBAppender appender, string[] columns, Dictionary<string, object?> values)
    {
        var row = appender.CreateRow();
        foreach (var column in columns)
        {
            _ = values[column] switch
            {
                null => row.AppendNullValue(),
                int value => row.AppendValue(value),
                float value => row.AppendValue(value),
                bool value => row.AppendValue(value),
                DateTime value => row.AppendValue(value),
                string value => row.AppendValue(value),
                var other => throw new InvalidOperationException($"No appender for {other.GetType()}"),
            };
        }

        row.EndRow();
    }

    private static string GrokJson(Random random, LetterContent letter)
    {
        var targetLength = random.Next(2000, 8000);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, PrettyJson))
        {
            json.WriteStartObject();
            json.WriteStartObject("document_information");
            json.WriteString("document_type", letter.DocumentType);
            json.WriteString("document_title", letter.Title);
            json.WriteString("document_date", letter.Date);
            json.WriteString("language", letter.Language);
            json.WriteString("author", "Schneider Electric – Product Lifecycle Management");
            json.WriteEndObject();
            json.WriteStartArray("products");
            foreach (var product in letter.Products)
            {
                json.WriteStartObject();
                json.WriteString("product_identifier", product.Identifier);
                json.WriteString("range_label", product.Range);
                json.WriteString("subrange_label", product.Subrange);
                json.WriteString("product_line", product.Line);
                json.WriteString("product_description", product.Description);
                json.WriteString("obsolescence_status", product.Status);
                json.WriteString("end_of_service_date", product.EndOfService);
                json.WriteStartArray("replacement_suggestions");
                json.WriteStringValue(product.Replacements);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("business_information");
            json.WriteString("customer_impact", "Customers must plan the migration before the end of service date; spare parts remain available for 5 years.");
            json.WriteString("contact", "Votre interlocuteur habituel « Schneider Electric »");
            json.WriteBoolean("service_continuity", random.Next(2) == 0);
            json.WriteEndObject();
            json.WriteStartObject("extraction_metadata");
            json.WriteNumber("confidence", Math.Round(0.5 + (random.NextDouble() / 2), 3));
            json.WriteString("model", "grok-3-latest");
            json.WriteNumber("tokens", random.Next(900, 6000));
            json.WriteEndObject();
            json.WriteStartArray("contextual_notes");
            json.Flush();
            while (buffer.Length < targetLength)
            {
                json.WriteStringValue(LetterContent.Pick(random, LetterContent.Notes));
                json.Flush();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string OcrJson(Random random, LetterContent letter)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, PrettyJson))
        {
            json.WriteStartObject();
            json.WriteNumber("pages", random.Next(1, 6));
            json.WriteString("ocr_engine", "tesseract 5.3");
            json.WriteStartArray("detected_references");
            foreach (var product in letter.Products)
            {
                json.WriteStringValue(product.Identifier);
            }

            json.WriteEndArray();
            json.WriteString("text_sample", "Objet : Fin de commercialisation – \"" + letter.Title + "\"");
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string StepsJson(Random random)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, PrettyJson))
        {
            json.WriteStartArray();
            foreach (var step in Steps)
            {
                json.WriteStartObject();
                json.WriteString("step", step);
                json.WriteNumber("duration_ms", Math.Round(random.NextDouble() * 9000, 2));
                json.WriteBoolean("success", true);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string ValidationJson(Random random)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, PrettyJson))
        {
            json.WriteStartObject();
            json.WriteBoolean("is_valid", random.Next(5) != 0);
            json.WriteNumber("score", Math.Round(random.NextDouble(), 4));
            json.WriteStartArray("warnings");
            if (random.Next(3) == 0)
            {
                json.WriteStringValue("Date de fin de service ambiguë");
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>What a generated file holds: row counts and the ids that carry each edge case.</summary>
public sealed class LettersSampleSummary
{
    public long Letters { get; set; }

    public long Products { get; set; }

    public long Matches { get; set; }

    public long DebugSteps { get; set; }

    public List<int> NulCharLetterIds { get; } = [];

    public List<int> OrphanProductIds { get; } = [];

    public List<int> OrphanDebugStepIds { get; } = [];

    public List<int> NullProductMatchIds { get; } = [];
}
