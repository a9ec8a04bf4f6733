using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// The one canonical form of a row, computed in C# for both sides: the converted source values and the values read
/// back from PostgreSQL. Each value is written with a kind tag and a length, so no two rows share a form by accident;
/// JSON is compared by meaning (object keys sorted, numbers normalised), as jsonb stores it.
/// </summary>
internal sealed class RowChecksum
{
    private readonly StringBuilder _text = new();
    private byte[] _bytes = new byte[4096];

    public UInt128 Compute(IReadOnlyList<(TargetColumn Column, int SourceIndex)> columns, object?[] values)
    {
        _text.Clear();
        for (var i = 0; i < columns.Count; i++)
        {
            var value = values[i];
            if (value is null)
            {
                _text.Append("N;");
                continue;
            }

            var text = columns[i].Column.Kind switch
            {
                ColumnKind.Integer => ((int)value).ToString(CultureInfo.InvariantCulture),
                ColumnKind.Real => (float)value is var real && float.IsNaN(real) ? "NaN" : BitConverter.SingleToInt32Bits((float)value).ToString("x8", CultureInfo.InvariantCulture),
                ColumnKind.Boolean => (bool)value ? "t" : "f",
                ColumnKind.Timestamp => ((DateTime)value).Ticks.ToString(CultureInfo.InvariantCulture),
                ColumnKind.Json => CanonicalJson.Canonical((string)value),
                _ => (string)value,
            };
            _text.Append('V').Append(text.Length).Append(':').Append(text).Append(';');
        }

        var length = Encoding.UTF8.GetMaxByteCount(_text.Length);
        if (_bytes.Length < length)
        {
            _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
        }

        var written = 0;
        foreach (var chunk in _text.GetChunks())
        {
            written += Encoding.UTF8.GetBytes(chunk.Span, _bytes.AsSpan(written));
        }

        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(_bytes.AsSpan(0, written), hash);
        return new UInt128(BitConverter.ToUInt64(hash[..8]), BitConverter.ToUInt64(hash[8..]));
    }
}

/// <summary>JSON in a canonical text: keys sorted (the last of duplicate keys kept, as jsonb does), numbers normalised, no whitespace.</summary>
internal static class CanonicalJson
{
    public static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        var buffer = new ArrayBufferWriter<byte>(json.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, document.RootElement);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    properties[property.Name] = property.Value;
                }

                foreach (var (name, value) in properties.OrderBy(property => property.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    writer.WriteRawValue(number == 0 ? "0" : number.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteRawValue(raw);
                }

                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

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
