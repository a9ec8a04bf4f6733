using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using SeLetters.SampleData;
using SeLetters.SampleData.Letters;

namespace SeLetters.Tests.Import;

/// <summary>One row of a source table: column name → value (string, int, float, bool, <see cref="DuckDBTimestamp"/> or null).</summary>
internal sealed record SourceRow(string Table, IReadOnlyDictionary<string, object?> Values);

/// <summary>
/// Writes a letters.duckdb of a given shape holding exactly the given rows, every value as a SQL literal so that
/// DuckDB stores what no generator or appender would (NUL characters, NaN, infinite and far-away timestamps).
/// Tables and columns the shape lacks are left out.
/// </summary>
internal static class SourceFile
{
    public static void Write(string path, LettersSampleOptions shape, IEnumerable<SourceRow> rows)
    {
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        LettersSourceSchema.Create(connection, shape);
        var columns = new Dictionary<string, List<string>>();
        foreach (var row in rows)
        {
            if (!columns.TryGetValue(row.Table, out var present))
            {
                columns[row.Table] = present = DuckDbStatements.Columns(connection, row.Table);
            }

            if (present.Count == 0)
            {
                continue; // a table this shape does not have
            }

            var values = row.Values.Where(value => present.Contains(value.Key)).ToList();
            DuckDbStatements.Execute(connection,
                $"INSERT INTO {row.Table} ({string.Join(", ", values.Select(value => value.Key))}) VALUES ({string.Join(", ", values.Select(value => Literal(value.Value)))})");
        }

        DuckDbStatements.Execute(connection, "CHECKPOINT");
    }

    public static string Literal(object? value) => value switch
    {
        null => "NULL",
        string text => Text(text),
        bool flag => flag ? "true" : "false",
        int number => number.ToString(CultureInfo.InvariantCulture),
        float real => $"CAST('{real.ToString("R", CultureInfo.InvariantCulture)}' AS FLOAT)",
        DuckDBTimestamp { IsPositiveInfinity: true } => "CAST('infinity' AS TIMESTAMP)",
        DuckDBTimestamp { IsNegativeInfinity: true } => "CAST('-infinity' AS TIMESTAMP)",
        DuckDBTimestamp timestamp => $"make_timestamp(CAST({timestamp.ToDuckDBTimestampStruct().Micros} AS BIGINT))",
        _ => throw new ArgumentException($"No DuckDB literal for {value.GetType().Name}", nameof(value)),
    };

    /// <summary>A VARCHAR literal; NUL characters, which a quoted literal cannot hold, joined in with chr(0).</summary>
    private static string Text(string text)
    {
        var literal = new StringBuilder("(''");
        foreach (var piece in text.Split('\0'))
        {
            literal.Append(" || '").Append(piece.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
            literal.Append(" || chr(0)");
        }

        literal.Length -= " || chr(0)".Length;
        return literal.Append(')').ToString();
    }

    /// <summary>A DuckDB timestamp from microseconds since 1970-01-01.</summary>
    public static DuckDBTimestamp Timestamp(long microseconds) =>
        DuckDBTimestamp.FromDuckDBTimestampStruct(new DuckDBTimestampStruct { Micros = microseconds });

    public static DuckDBTimestamp Timestamp(string text) => Timestamp(
        (DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) - DateTime.UnixEpoch).Ticks / 10);
}
