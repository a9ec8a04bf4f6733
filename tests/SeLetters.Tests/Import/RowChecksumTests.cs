using System.Text;
using Npgsql;
using SeLetters.MigrationService.Import;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

/// <summary>
/// The row checksum is computed in C# for the source and by PostgreSQL for the target: both must produce the same
/// canonical text, above all jsonb's (key order, duplicates, numbers, escapes), or a correct import would fail to verify.
/// </summary>
public sealed class RowChecksumTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    public static TheoryData<string> Json =>
    [
        """{"b": 1, "a": [1.50, 2e2], "aa": {"z": null, "y": true, "x": false}}""",
        """{"a": 1, "a": 2, "b": {"c": 1, "c": [3]}}""",
        """{"é": "ü", "e": "\u00e9\n\t\"\\ \u001f \/ \u007f", "longer key": "", "\u0041": 0}""",
        """[0, -0, -0.0, 0.000, 1E+2, 1.5e-3, -12.340e1, 123456789012345678901234567890, 1e-7, 100e-2, 3.0E0]""",
        """[-0e1073741822, 0e200000, 0e-16383, 9.99e131071, {"a": 1e-16383, "a": 2}]""", // at numeric's limits (found by ImportPropertyTests)
        """  "a top-level string with \"quotes\" and 😀 \ud83d\ude00"  """,
        "-1.25",
        "null",
        """{"nested": [{"k": [[], {}]}, "x"], "": "empty key"}""",
        """{"ab": 1, "b": 2, "ba": 3, "a\u0000"  : 4}""".Replace("\\u0000", "", StringComparison.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(Json))]
    public async Task Jsonb_text_in_csharp_is_what_postgresql_prints(string json)
    {
        var output = new Utf8Buffer();
        Assert.True(JsonbText.TryWrite(json, output, out _));

        await using var connection = new NpgsqlConnection(postgres.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT @json::jsonb::text", connection);
        command.Parameters.AddWithValue("json", json);

        Assert.Equal((string)(await command.ExecuteScalarAsync())!, Encoding.UTF8.GetString(output.Span));
    }
}
