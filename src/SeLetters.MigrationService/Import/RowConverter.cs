using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DuckDB.NET.Native;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// The import's policies, in one place: turns a source row into the values written to the target, which are also the
/// values the verification checksums, so the import and the verification cannot disagree on what a source value
/// becomes. Per column kind: text without NUL characters; JSON as its jsonb text (blank → NULL, invalid or refused by
/// jsonb → a JSON string holding the text verbatim, \u0000 escapes removed); reals as they are (NaN, ±Infinity, -0
/// and subnormals kept); timestamps as PostgreSQL stores them (±infinity kept); a value the target cannot hold
/// (beyond its integer or real range, before PostgreSQL's earliest timestamp) or a NULL where it says NOT NULL
/// makes the row a <see cref="Problem"/>, which the importer puts in the quarantine.
/// </summary>
internal sealed class RowConverter(TableShape shape)
{
    private readonly int _idIndex = shape.Mapped.Single(mapped => mapped.Column.Name == "id").SourceIndex;

    private readonly Utf8Buffer _json = new();

    public TableShape Shape { get; } = shape;

    /// <summary>
    /// The converted values, one per <see cref="TableShape.Mapped"/> column: int, float, bool, <see cref="PostgresTimestamp"/>,
    /// string (text, or the jsonb text of JSON); reused between rows.
    /// </summary>
    public object?[] Values { get; } = new object?[shape.Mapped.Count];

    public int Id { get; private set; }

    /// <summary>Why the row cannot go into the target table (NULL where NOT NULL, a value out of range), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The row's id, before any conversion.</summary>
    public int ReadId(object?[] source)
    {
        try
        {
            return source[_idIndex] is { } id
                ? ToInteger(id)
                : throw new OperatorException($"The source table {Shape.Target.Name} has a row without id; a letters.duckdb has a primary key on id, so this file is damaged.");
        }
        catch (OverflowException)
        {
            throw new OperatorException($"The source table {Shape.Target.Name} has id {source[_idIndex]}, beyond the target's integer ids (up to {int.MaxValue}).");
        }
    }

    public void Convert(object?[] source, PolicyCounts? counts)
    {
        Problem = null;
        Id = ReadId(source);
        for (var i = 0; i < Shape.Mapped.Count; i++)
        {
            var (column, index) = Shape.Mapped[i];
            var value = source[index];
            try
            {
                Values[i] = value is null ? null : ConvertValue(column, value, counts);
            }
            catch (OverflowException)
            {
                Values[i] = null;
                Problem ??= $"{column.Name} = {value} does not fit the target's {column.Kind.ToString().ToLowerInvariant()} column";
            }

            if (Values[i] is null && value is not null && column.Kind == ColumnKind.Timestamp)
            {
                Problem ??= $"{column.Name} = {PostgresTimestamp.Format((DuckDBTimestamp)value)} is before PostgreSQL's earliest timestamp ({PostgresTimestamp.Earliest})";
            }

            if (Values[i] is null && column.NotNull)
            {
                Problem ??= $"{column.Name} is NULL, which the target does not allow (NOT NULL)";
            }
        }
    }

    private object? ConvertValue(TargetColumn column, object value, PolicyCounts? counts) => column.Kind switch
    {
        ColumnKind.Integer => ToInteger(value),
        ColumnKind.Real => ToReal(value, counts),
        ColumnKind.Boolean => (bool)value,
        // DuckDB's latest timestamp is before PostgreSQL's latest: only its earliest ones do not fit.
        ColumnKind.Timestamp => PostgresTimestamp.FromDuckDb((DuckDBTimestamp)value),
        ColumnKind.Text => WithoutNul((string)value, counts),
        ColumnKind.Json => ToJson(WithoutNul((string)value, counts), counts),
        _ => throw new InvalidOperationException(column.Kind.ToString()),
    };

    private static int ToInteger(object value) => value switch
    {
        int number => number,
        BigInteger number => checked((int)number),
        _ => System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
    };

    private float ToReal(object value, PolicyCounts? counts)
    {
        var real = value switch
        {
            float number => number,
            // A finite DOUBLE past float's range would silently become ±Infinity.
            double number when double.IsFinite(number) && !float.IsFinite((float)number) => throw new OverflowException(),
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

    /// <summary>PostgreSQL's text cannot hold NUL characters: they are removed.</summary>
    private string WithoutNul(string text, PolicyCounts? counts)
    {
        if (!text.Contains('\0', StringComparison.Ordinal))
        {
            return text;
        }

        CountNul(counts);
        return text.Replace("\0", "", StringComparison.Ordinal);
    }

    private void CountNul(PolicyCounts? counts)
    {
        if (counts is not null)
        {
            counts.NulCharactersRemoved++;
            PolicyCounts.Note(counts.NulCharacterIds, Id);
        }
    }

    /// <summary>The jsonb text of the JSON; NULL when blank; a JSON string holding the text when jsonb cannot take it.</summary>
    private string? ToJson(string text, PolicyCounts? counts)
    {
        if (IsBlankJson(text))
        {
            if (counts is not null)
            {
                counts.JsonEmptyToNull++;
            }

            return null;
        }

        _json.Clear();
        if (JsonbText.TryWrite(text, _json, out var nulRemoved))
        {
            if (nulRemoved)
            {
                CountNul(counts);
            }

            if (counts is not null)
            {
                counts.JsonValid++;
            }
        }
        else
        {
            _json.Clear();
            JsonbText.WriteString(text, _json);
            if (counts is not null)
            {
                counts.JsonInvalidKeptAsString++;
                PolicyCounts.Note(counts.JsonInvalidIds, Id);
            }
        }

        return Encoding.UTF8.GetString(_json.Span);
    }

    /// <summary>Only JSON's own whitespace (space, tab, CR, LF): other text, even U+00A0 alone, is kept as a string.</summary>
    private static bool IsBlankJson(string text) => text.AsSpan().IndexOfAnyExcept(" \t\r\n") < 0;

    /// <summary>
    /// Whether the import keeps this text as a JSON string holding it verbatim (it is not blank and not JSON jsonb
    /// takes): then a jsonb string with this content is exported as the bare text, and imports back the same.
    /// </summary>
    public static bool IsJsonKeptAsString(string text) => !IsBlankJson(text) && !JsonbText.TryWrite(text, new Utf8Buffer(), out _);

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
                    case DuckDBTimestamp timestamp:
                        json.WriteStringValue(PostgresTimestamp.Format(timestamp));
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
