using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// JSON text as PostgreSQL prints the jsonb it makes of it (jsonb::text), written only for JSON that jsonb accepts:
/// object keys sorted by their length in UTF-8 bytes, then bytewise, the last of duplicate keys kept; ", " and ": "
/// between items; strings escaped as escape_json does; numbers as numeric_out prints them (the input's scale kept,
/// exponents resolved, no negative zero). The escape \u0000, which jsonb refuses, is removed from strings and keys
/// first (keys equal once it is gone count as duplicates). Text written this way is its own jsonb text: PostgreSQL
/// parses it into the same jsonb and prints it back unchanged.
/// </summary>
internal static class JsonbText
{
    /// <summary>JSON nested deeper than this is not parsed, and so kept as a string.</summary>
    public const int MaxDepth = 256;

    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth };

    // numeric's storage limits (PostgreSQL 15 to 18): 131072 digits before the point, 16383 after, and an exponent
    // below INT_MAX / 2 in the input text.
    private const int NumericMaxIntegerDigits = 131_072;
    private const int NumericMaxScale = 16_383;
    private const long NumericMaxExponent = int.MaxValue / 2;

    /// <summary>
    /// Writes the jsonb text of <paramref name="json"/>; false (output left partial) when it is not JSON or jsonb
    /// refuses it: a lone surrogate escape (\ud800), a number beyond numeric's range, nesting deeper than
    /// <see cref="MaxDepth"/>. <paramref name="nulRemoved"/> tells whether a \u0000 escape was removed.
    /// </summary>
    public static bool TryWrite(string json, Utf8Buffer output, out bool nulRemoved)
    {
        nulRemoved = false;
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            return TryWrite(document.RootElement, output, ref nulRemoved);
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false; // a string or key whose escapes are not valid UTF-16 (a lone surrogate)
        }
    }

    private static bool TryWrite(JsonElement element, Utf8Buffer output, ref bool nulRemoved)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return TryWriteObject(element, output, ref nulRemoved);
            case JsonValueKind.Array:
                output.Append((byte)'[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        output.Append(", "u8);
                    }

                    if (!TryWrite(item, output, ref nulRemoved))
                    {
                        return false;
                    }
                }

                output.Append((byte)']');
                return true;
            case JsonValueKind.String:
                // Without a backslash the raw token is already what escape_json prints (valid JSON has no raw control characters).
                var raw = JsonMarshal.GetRawUtf8Value(element);
                if (raw.Contains((byte)'\\'))
                {
                    WriteString(WithoutNul(element.GetString()!, ref nulRemoved), output);
                }
                else
                {
                    output.Append(raw); // the token, quotes included
                }

                return true;
            case JsonValueKind.Number:
                return TryWriteNumber(JsonMarshal.GetRawUtf8Value(element), output);
            case JsonValueKind.True:
                output.Append("true"u8);
                return true;
            case JsonValueKind.False:
                output.Append("false"u8);
                return true;
            default:
                output.Append("null"u8);
                return true;
        }
    }

    private static bool TryWriteObject(JsonElement element, Utf8Buffer output, ref bool nulRemoved)
    {
        var properties = new List<(JsonProperty Property, byte[]? Key, int Order)>();
        foreach (var property in element.EnumerateObject())
        {
            // The raw name (no allocation) is the key itself unless it holds an escape.
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            properties.Add((property, raw.Contains((byte)'\\') ? Encoding.UTF8.GetBytes(WithoutNul(property.Name, ref nulRemoved)) : null, properties.Count));
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
                // Not kept, but jsonb parses it all the same and refuses it when it cannot hold it.
                var discarded = false;
                if (!TryWrite(properties[i].Property.Value, new Utf8Buffer(), ref discarded))
                {
                    return false;
                }

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
            if (!TryWrite(properties[i].Property.Value, output, ref nulRemoved))
            {
                return false;
            }
        }

        output.Append((byte)'}');
        return true;
    }

    private static ReadOnlySpan<byte> Key((JsonProperty Property, byte[]? Key, int Order) entry) =>
        entry.Key ?? JsonMarshal.GetRawUtf8PropertyName(entry.Property);

    private static string WithoutNul(string text, ref bool nulRemoved)
    {
        if (!text.Contains('\0', StringComparison.Ordinal))
        {
            return text;
        }

        nulRemoved = true;
        return text.Replace("\0", "", StringComparison.Ordinal);
    }

    /// <summary>PostgreSQL's escape_json: quote, backslash and the control characters escaped, everything else as it is.</summary>
    public static void WriteString(string text, Utf8Buffer output)
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
    /// numeric_out of numeric_in, or false beyond numeric's limits: the digits keep the input's scale, less the
    /// exponent (1.50 → 1.50, 2e2 → 200, 1.5e-3 → 0.0015); zero has no sign.
    /// </summary>
    private static bool TryWriteNumber(ReadOnlySpan<byte> raw, Utf8Buffer output)
    {
        var exponentAt = raw.IndexOfAny("eE"u8);
        var mantissa = exponentAt < 0 ? raw : raw[..exponentAt];
        var negative = mantissa[0] == (byte)'-';
        if (negative)
        {
            mantissa = mantissa[1..];
        }

        var point = mantissa.IndexOf((byte)'.');
        var integer = point < 0 ? mantissa : mantissa[..point];
        var fraction = point < 0 ? [] : mantissa[(point + 1)..];
        var exponent = exponentAt < 0 ? 0 : Exponent(raw[(exponentAt + 1)..]);
        var scale = fraction.Length - exponent; // digits after the point
        if (Math.Abs(exponent) >= NumericMaxExponent || scale > NumericMaxScale)
        {
            return false;
        }

        var integerZeros = integer.IndexOfAnyExcept((byte)'0');
        var fractionZeros = fraction.IndexOfAnyExcept((byte)'0');
        var leadingZeros = integerZeros >= 0 ? integerZeros : integer.Length + (fractionZeros >= 0 ? fractionZeros : fraction.Length);
        var significantDigits = integer.Length + fraction.Length - leadingZeros;
        if (significantDigits > 0 && significantDigits - scale > NumericMaxIntegerDigits)
        {
            return false;
        }

        if (exponentAt < 0 && !(negative && significantDigits == 0))
        {
            output.Append(raw); // plain digits: numeric prints them as they are
            return true;
        }

        var significant = (Encoding.ASCII.GetString(integer) + Encoding.ASCII.GetString(fraction))[leadingZeros..];
        string text;
        if (scale <= 0)
        {
            text = significant.Length == 0 ? "0" : significant + new string('0', (int)-scale);
        }
        else
        {
            text = significant.PadLeft((int)scale + 1, '0');
            text = text[..^(int)scale] + "." + text[^(int)scale..];
        }

        if (negative && significant.Length > 0)
        {
            output.Append((byte)'-');
        }

        output.Append(text);
        return true;
    }

    /// <summary>A JSON exponent (sign and digits), saturated far beyond numeric's limit.</summary>
    private static long Exponent(ReadOnlySpan<byte> text)
    {
        var negative = text[0] == (byte)'-';
        long value = 0;
        foreach (var digit in text[(text[0] is (byte)'-' or (byte)'+' ? 1 : 0)..])
        {
            value = Math.Min(value * 10 + (digit - '0'), NumericMaxExponent * 10);
        }

        return negative ? -value : value;
    }
}
