using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// The checksum of a row, the same on both sides: computed here in C# from the converted source values
/// (<see cref="RowConverter.Values"/>), and in PostgreSQL by <see cref="TargetSql"/> from the stored row, so the
/// target is checked without reading its rows into this process. Each value is written in its kind's
/// <see cref="CanonicalForm"/> with a tag and its length in UTF-8 bytes (NULL as "N;"), so no two rows share a form
/// by accident. The checksum is the first 64 bits of the form's MD5.
/// </summary>
internal sealed class RowChecksum
{
    private readonly Utf8Buffer _row = new();
    private readonly Utf8Buffer _value = new();

    /// <summary>The checksum of the row the converter holds.</summary>
    public long Compute(RowConverter converter)
    {
        var columns = converter.Shape.Mapped;
        var values = converter.Values;
        _row.Clear();
        for (var i = 0; i < columns.Count; i++)
        {
            if (values[i] is not { } value)
            {
                _row.Append("N;");
                continue;
            }

            _value.Clear();
            CanonicalForm.Write(columns[i].Column.Kind, value, _value);
            _row.Append("V").Append(_value.Length.ToString(CultureInfo.InvariantCulture)).Append(":").Append(_value.Span).Append(";");
        }

        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(_row.Span, hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>SELECT id, checksum FROM the table, the checksum computed by PostgreSQL exactly as <see cref="Compute"/> does.</summary>
    public static string TargetSql(string table, IReadOnlyList<(TargetColumn Column, int SourceIndex)> columns, string? where = null)
    {
        var texts = columns.Select((column, i) => $"{CanonicalForm.Sql(column.Column.Kind, $"t.{column.Column.Name}")} AS v{i}");
        var pieces = columns.Select((_, i) => $"CASE WHEN v{i} IS NULL THEN 'N;' ELSE 'V' || octet_length(v{i}) || ':' || v{i} || ';' END");
        // OFFSET 0 keeps the subquery from being flattened, so each value's text is computed once, not twice.
        return $"SELECT t.id, ('x' || left(md5({string.Join(" || ", pieces)}), 16))::bit(64)::bigint AS checksum " +
            $"FROM {table} t, LATERAL (SELECT {string.Join(", ", texts)} OFFSET 0) v{(where is null ? "" : " WHERE " + where)}";
    }
}

/// <summary>
/// One canonical text per column kind, written by C# for a converted value and by PostgreSQL for the stored one: the
/// two halves of each kind stand side by side here. Exact, not approximate: a real is its 32 bits (any NaN as "NaN",
/// either zero as +0), a timestamp PostgreSQL's 64-bit microseconds (±infinity included), JSON the jsonb text the
/// converter already made. Each SQL expression is NULL for NULL.
/// The sign of a zero is the one thing left out: DuckDB's storage does not keep it (a column segment whose values are
/// all zero is stored as one constant, the first zero's sign, duckdb/duckdb#25580), so a file export-duckdb wrote from
/// rows holding both zeros reads back with one sign, and must still verify against them.
/// </summary>
internal static class CanonicalForm
{
    public static void Write(ColumnKind kind, object value, Utf8Buffer output)
    {
        switch (kind)
        {
            case ColumnKind.Integer:
                output.Append(((int)value).ToString(CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Real:
                var real = (float)value;
                output.Append(float.IsNaN(real) ? "NaN" : BitConverter.SingleToInt32Bits(real == 0 ? 0 : real).ToString("x8", CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Boolean:
                output.Append((bool)value ? "true" : "false");
                break;
            case ColumnKind.Timestamp:
                output.Append(((PostgresTimestamp)value).Microseconds.ToString("x16", CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Text or ColumnKind.Json:
                output.Append((string)value);
                break;
            default:
                throw new InvalidOperationException(kind.ToString());
        }
    }

    public static string Sql(ColumnKind kind, string column) => kind switch
    {
        ColumnKind.Integer => $"{column}::text",
        ColumnKind.Real => $"CASE WHEN {column} = 'NaN' THEN 'NaN' WHEN {column} = 0 THEN '00000000' ELSE encode(float4send({column}), 'hex') END",
        ColumnKind.Boolean => $"{column}::text",
        ColumnKind.Timestamp => $"encode(timestamp_send({column}), 'hex')",
        ColumnKind.Text => column,
        ColumnKind.Json => $"{column}::text",
        _ => throw new InvalidOperationException(kind.ToString()),
    };
}
