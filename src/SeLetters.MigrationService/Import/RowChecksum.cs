using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// The one canonical form of a row, the same on both sides: computed here in C# from the converted source values, and
/// in PostgreSQL by <see cref="TargetSql"/> from the stored row, so the target is checked without reading its rows
/// into this process. Each value is written with a kind tag and its length in UTF-8 bytes, so no two rows share a form
/// by accident; JSON takes jsonb's own text form (keys sorted and de-duplicated as jsonb does, numbers as numeric
/// prints them), so it is compared by meaning. The checksum is the first 64 bits of the form's MD5.
/// </summary>
internal sealed class RowChecksum
{
    private readonly Utf8Buffer _row = new();
    private readonly Utf8Buffer _value = new();

    /// <summary>The checksum of the row the converter holds (its values, and its JSON already parsed).</summary>
    public long Compute(RowConverter converter)
    {
        var columns = converter.Shape.Mapped;
        var values = converter.Values;
        _row.Clear();
        for (var i = 0; i < columns.Count; i++)
        {
            var value = values[i];
            if (value is null)
            {
                _row.Append("N;");
                continue;
            }

            _value.Clear();
            switch (columns[i].Column.Kind)
            {
                case ColumnKind.Integer:
                    _value.Append(((int)value).ToString(CultureInfo.InvariantCulture));
                    break;
                case ColumnKind.Real:
                    var real = (float)value;
                    _value.Append(float.IsNaN(real) ? "NaN" : BitConverter.SingleToInt32Bits(real).ToString("x8", CultureInfo.InvariantCulture));
                    break;
                case ColumnKind.Boolean:
                    _value.Append((bool)value ? "t" : "f");
                    break;
                case ColumnKind.Timestamp:
                    _value.Append(((DateTime)value).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
                    break;
                case ColumnKind.Json:
                    if (converter.Documents[i] is { } document)
                    {
                        JsonbText.Write(document.RootElement, _value);
                    }
                    else
                    {
                        JsonbText.Write((string)value, _value); // invalid JSON kept as a JSON string
                    }

                    break;
                default:
                    _value.Append((string)value);
                    break;
            }

            _row.Append("V").Append(_value.Length.ToString(CultureInfo.InvariantCulture)).Append(":").Append(_value.Span).Append(";");
        }

        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(_row.Span, hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>
    /// SELECT id, checksum FROM the table, the checksum computed by PostgreSQL exactly as <see cref="Compute"/> does:
    /// the same text per kind (float4 as its bits, timestamps to the microsecond, jsonb as jsonb::text).
    /// </summary>
    public static string TargetSql(string table, IReadOnlyList<(TargetColumn Column, int SourceIndex)> columns, string? where = null)
    {
        var texts = columns.Select((column, i) => $"{ValueSql(column.Column)} AS v{i}");
        var pieces = columns.Select((_, i) => $"CASE WHEN v{i} IS NULL THEN 'N;' ELSE 'V' || octet_length(v{i}) || ':' || v{i} || ';' END");
        // OFFSET 0 keeps the subquery from being flattened, so each value's text is computed once, not twice.
        return $"SELECT t.id, ('x' || left(md5({string.Join(" || ", pieces)}), 16))::bit(64)::bigint AS checksum " +
            $"FROM {table} t, LATERAL (SELECT {string.Join(", ", texts)} OFFSET 0) v{(where is null ? "" : " WHERE " + where)}";
    }

    private static string ValueSql(TargetColumn column) => column.Kind switch
    {
        ColumnKind.Integer => $"t.{column.Name}::text",
        ColumnKind.Real => $"CASE WHEN t.{column.Name} = 'NaN' THEN 'NaN' ELSE encode(float4send(t.{column.Name}), 'hex') END",
        ColumnKind.Boolean => $"CASE WHEN t.{column.Name} THEN 't' ELSE 'f' END",
        ColumnKind.Timestamp => $"to_char(t.{column.Name}, 'YYYY-MM-DD HH24:MI:SS.US')",
        ColumnKind.Json => $"t.{column.Name}::text",
        _ => $"t.{column.Name}",
    };
}

/// <summary>A growable UTF-8 byte buffer, reused between rows.</summary>
internal sealed class Utf8Buffer
{
    private byte[] _bytes = new byte[4096];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public Utf8Buffer Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
        return this;
    }

    public Utf8Buffer Append(ReadOnlySpan<char> text)
    {
        Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        Length += Encoding.UTF8.GetBytes(text, _bytes.AsSpan(Length));
        return this;
    }

    public Utf8Buffer Append(string text) => Append(text.AsSpan());

    public Utf8Buffer Append(byte value)
    {
        Reserve(1);
        _bytes[Length++] = value;
        return this;
    }

    private void Reserve(int count)
    {
        if (Length + count > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(Length + count, _bytes.Length * 2));
        }
    }
}

/// <summary>
/// JSON text as PostgreSQL prints the jsonb it makes of it (jsonb::text): object keys sorted by their length in UTF-8
/// bytes, then bytewise, the last of duplicate keys kept; ", " and ": " between items; strings escaped as escape_json
/// does; numbers as numeric_out prints them (the input's scale kept, exponents resolved, no negative zero).
/// </summary>
internal static class JsonbText
{
    public static void Write(string json, Utf8Buffer output)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        Write(document.RootElement, output);
    }

    public static void Write(JsonElement element, Utf8Buffer output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new List<(JsonProperty Property, byte[]? Key, int Order)>();
                foreach (var property in element.EnumerateObject())
                {
                    // The raw name (no allocation) is the key itself unless it holds an escape.
                    var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                    properties.Add((property, raw.Contains((byte)'\\') ? Encoding.UTF8.GetBytes(property.Name) : null, properties.Count));
                }

                // Sorted by key, equal keys in input order; the last of each run of equal keys is kept, as jsonb does.
                properties.Sort((a, b) =>
                {
                    var x = Key(a);
                    var y = Key(b);
                    var order = x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
                    return order != 0 ? order : a.Order.CompareTo(b.Order);
                });
                output.Append((byte)'{');
                var first = true;
                for (var i = 0; i < properties.Count; i++)
                {
                    if (i + 1 < properties.Count && Key(properties[i + 1]).SequenceEqual(Key(properties[i])))
                    {
                        continue;
                    }

                    if (!first)
                    {
                        output.Append(", "u8);
                    }

                    first = false;
                    if (properties[i].Key is { } key)
                    {
                        WriteString(Encoding.UTF8.GetString(key), output);
                    }
                    else
                    {
                        output.Append((byte)'"').Append(JsonMarshal.GetRawUtf8PropertyName(properties[i].Property)).Append((byte)'"');
                    }

                    output.Append(": "u8);
                    Write(properties[i].Property.Value, output);
                }

                output.Append((byte)'}');
                break;
            case JsonValueKind.Array:
                output.Append((byte)'[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        output.Append(", "u8);
                    }

                    Write(item, output);
                }

                output.Append((byte)']');
                break;
            case JsonValueKind.String:
                // Without a backslash the raw token is already what escape_json prints (valid JSON has no raw control characters).
                var rawString = JsonMarshal.GetRawUtf8Value(element);
                if (rawString.Contains((byte)'\\'))
                {
                    WriteString(element.GetString()!, output);
                }
                else
                {
                    output.Append(rawString);
                }

                break;
            case JsonValueKind.Number:
                var rawNumber = JsonMarshal.GetRawUtf8Value(element);
                if (rawNumber.IndexOfAny("eE"u8) < 0 && !(rawNumber[0] == (byte)'-' && rawNumber.IndexOfAnyExcept("-0."u8) < 0))
                {
                    output.Append(rawNumber); // plain digits: numeric prints them as they are
                }
                else
                {
                    WriteNumber(Encoding.UTF8.GetString(rawNumber), output);
                }

                break;
            case JsonValueKind.True:
                output.Append("true"u8);
                break;
            case JsonValueKind.False:
                output.Append("false"u8);
                break;
            default:
                output.Append("null"u8);
                break;
        }
    }

    private static ReadOnlySpan<byte> Key((JsonProperty Property, byte[]? Key, int Order) entry) =>
        entry.Key ?? JsonMarshal.GetRawUtf8PropertyName(entry.Property);

    /// <summary>PostgreSQL's escape_json: quote, backslash and the control characters escaped, everything else as it is.</summary>
    private static void WriteString(string text, Utf8Buffer output)
    {
        output.Append((byte)'"');
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= ' ' && c != '"' && c != '\\')
            {
                continue;
            }

            output.Append(text.AsSpan(start, i - start));
            start = i + 1;
            output.Append(c switch
            {
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => $"\\u{(int)c:x4}",
            });
        }

        output.Append(text.AsSpan(start));
        output.Append((byte)'"');
    }

    /// <summary>
    /// numeric_out of numeric_in: the digits keep the input's scale, less the exponent (1.50 → 1.50, 2e2 → 200,
    /// 1.5e-3 → 0.0015); zero has no sign.
    /// </summary>
    private static void WriteNumber(string raw, Utf8Buffer output)
    {
        var exponentAt = raw.IndexOfAny(['e', 'E']);
        var exponent = exponentAt < 0 ? 0 : int.Parse(raw.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? raw : raw[..exponentAt];
        var negative = mantissa.StartsWith('-');
        var unsigned = negative ? mantissa[1..] : mantissa;
        var point = unsigned.IndexOf('.', StringComparison.Ordinal);
        var fraction = point < 0 ? "" : unsigned[(point + 1)..];
        var digits = BigInteger.Parse(point < 0 ? unsigned : unsigned[..point] + fraction, CultureInfo.InvariantCulture);
        var scale = fraction.Length - exponent; // value = digits × 10^-scale
        if (scale < 0)
        {
            digits *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        var text = digits.ToString(CultureInfo.InvariantCulture);
        if (scale > 0)
        {
            text = text.PadLeft(scale + 1, '0');
            text = text[..^scale] + "." + text[^scale..];
        }

        if (negative && !digits.IsZero)
        {
            output.Append((byte)'-');
        }

        output.Append(text);
    }
}

/// <summary>Removes NUL characters from JSON parsed by the converter (jsonb refuses them).</summary>
internal static class JsonNul
{
    /// <summary>Removes NUL characters from every string and key of a parsed JSON value; true when there were any.</summary>
    public static bool RemoveNul(JsonNode? node)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    changed |= RemoveNul(value);
                    if (key.Contains('\0', StringComparison.Ordinal))
                    {
                        obj.Remove(key);
                        obj[key.Replace("\0", "", StringComparison.Ordinal)] = value;
                        changed = true;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue item && item.TryGetValue<string>(out var text) && text.Contains('\0', StringComparison.Ordinal))
                    {
                        array[i] = text.Replace("\0", "", StringComparison.Ordinal);
                        changed = true;
                    }
                    else
                    {
                        changed |= RemoveNul(array[i]);
                    }
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Contains('\0', StringComparison.Ordinal):
                var parent = value.Parent;
                if (parent is JsonObject owner)
                {
                    owner[value.GetPropertyName()] = value.GetValue<string>().Replace("\0", "", StringComparison.Ordinal);
                }

                return true;
        }

        return changed;
    }
}
