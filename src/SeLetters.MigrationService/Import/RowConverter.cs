using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// Turns a source row into the values written to the target, with the explicit conversions and the policies: valid
/// JSON kept, empty JSON → NULL, invalid JSON → a JSON string holding the text verbatim, NUL characters removed,
/// NaN/Infinity kept. The same conversion serves the import and the verification, so both see the same values.
/// </summary>
internal sealed class RowConverter(TableShape shape)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 };

    private static readonly JsonSerializerOptions VerbatimString = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly int _idIndex = shape.Mapped.Single(mapped => mapped.Column.Name == "id").SourceIndex;

    public TableShape Shape { get; } = shape;

    /// <summary>The converted values, one per <see cref="TableShape.Mapped"/> column; reused between rows.</summary>
    public object?[] Values { get; } = new object?[shape.Mapped.Count];

    /// <summary>
    /// The parsed JSON of each valid JSON value of the row (null elsewhere), kept for the row's checksum so the text is
    /// parsed once; valid until the next row.
    /// </summary>
    public JsonDocument?[] Documents { get; } = new JsonDocument?[shape.Mapped.Count];

    private int _column;

    public int Id { get; private set; }

    /// <summary>Why the row cannot go into the target table (NULL where NOT NULL, a value out of range), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The row's id, before any conversion.</summary>
    public int ReadId(object?[] source) =>
        source[_idIndex] is { } id
            ? System.Convert.ToInt32(id, CultureInfo.InvariantCulture)
            : throw new OperatorException($"The source table {Shape.Target.Name} has a row without id; a letters.duckdb has a primary key on id, so this file is damaged.");

    public void Convert(object?[] source, PolicyCounts? counts)
    {
        Problem = null;
        for (var i = 0; i < Documents.Length; i++)
        {
            Documents[i]?.Dispose();
            Documents[i] = null;
        }

        Id = ReadId(source);
        for (var i = 0; i < Shape.Mapped.Count; i++)
        {
            var (column, index) = Shape.Mapped[i];
            var value = source[index];
            _column = i;
            try
            {
                Values[i] = value is null ? null : ConvertValue(column, value, counts);
            }
            catch (OverflowException)
            {
                Values[i] = null;
                Problem ??= $"{column.Name} = {value} does not fit the target's {column.Kind.ToString().ToLowerInvariant()} column";
            }

            if (Values[i] is null && column.NotNull)
            {
                Problem ??= $"{column.Name} is NULL, which the target does not allow (NOT NULL)";
            }
        }
    }

    private object? ConvertValue(TargetColumn column, object value, PolicyCounts? counts) => column.Kind switch
    {
        ColumnKind.Integer => value switch
        {
            int number => number,
            BigInteger number => checked((int)number),
            _ => System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
        },
        ColumnKind.Real => ToReal(value, counts),
        ColumnKind.Boolean => (bool)value,
        ColumnKind.Timestamp => value switch
        {
            DateTime timestamp => DateTime.SpecifyKind(timestamp, DateTimeKind.Unspecified),
            DateOnly date => date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified),
            _ => throw new OperatorException($"Unexpected {value.GetType().Name} in timestamp column {Shape.Target.Name}.{column.Name}"),
        },
        ColumnKind.Text => RemoveNul(value switch
        {
            string text => text,
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime timestamp => timestamp.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString()!,
        }, counts),
        ColumnKind.Json => ToJson(RemoveNul((string)value, counts), counts),
        _ => throw new InvalidOperationException(column.Kind.ToString()),
    };

    private float ToReal(object value, PolicyCounts? counts)
    {
        var real = value switch
        {
            float number => number,
            double number => (float)number,
            decimal number => (float)number,
            _ => System.Convert.ToSingle(value, CultureInfo.InvariantCulture),
        };
        if (counts is not null && !float.IsFinite(real))
        {
            counts.NonFiniteRealsKept++;
            PolicyCounts.Note(counts.NonFiniteRealIds, Id);
        }

        return real;
    }

    private string RemoveNul(string text, PolicyCounts? counts)
    {
        if (!text.Contains('\0', StringComparison.Ordinal))
        {
            return text;
        }

        if (counts is not null)
        {
            counts.NulCharactersRemoved++;
            PolicyCounts.Note(counts.NulCharacterIds, Id);
        }

        return text.Replace("\0", "", StringComparison.Ordinal);
    }

    private string? ToJson(string text, PolicyCounts? counts)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (counts is not null)
            {
                counts.JsonEmptyToNull++;
            }

            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException)
        {
            if (counts is not null)
            {
                counts.JsonInvalidKeptAsString++;
                PolicyCounts.Note(counts.JsonInvalidIds, Id);
            }

            return JsonSerializer.Serialize(text, VerbatimString);
        }

        // PostgreSQL's jsonb refuses the escape \u0000 as it refuses NUL characters in text.
        if (text.Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
        {
            var node = JsonNode.Parse(text);
            if (JsonNul.RemoveNul(node))
            {
                if (counts is not null)
                {
                    counts.NulCharactersRemoved++;
                    PolicyCounts.Note(counts.NulCharacterIds, Id);
                }

                text = node?.ToJsonString(VerbatimString) ?? "null";
                document.Dispose();
                document = JsonDocument.Parse(text, JsonOptions);
            }
        }

        Documents[_column] = document;

        if (counts is not null)
        {
            counts.JsonValid++;
        }

        return text;
    }

    /// <summary>The source row as a JSON object (source column names), for the quarantine; NUL characters removed, non-finite numbers as strings.</summary>
    public static string SourceRowJson(TableShape shape, object?[] source)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            for (var i = 0; i < shape.SourceColumns.Count; i++)
            {
                json.WritePropertyName(shape.SourceColumns[i].Name);
                switch (source[i])
                {
                    case null:
                        json.WriteNullValue();
                        break;
                    case string text:
                        json.WriteStringValue(text.Replace("\0", "", StringComparison.Ordinal));
                        break;
                    case bool flag:
                        json.WriteBooleanValue(flag);
                        break;
                    case int number:
                        json.WriteNumberValue(number);
                        break;
                    case long number:
                        json.WriteNumberValue(number);
                        break;
                    case float number when float.IsFinite(number):
                        json.WriteNumberValue(number);
                        break;
                    case double number when double.IsFinite(number):
                        json.WriteNumberValue(number);
                        break;
                    case DateTime timestamp:
                        json.WriteStringValue(timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture));
                        break;
                    case IFormattable other:
                        json.WriteStringValue(other.ToString(null, CultureInfo.InvariantCulture));
                        break;
                    case var other:
                        json.WriteStringValue(other.ToString());
                        break;
                }
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
