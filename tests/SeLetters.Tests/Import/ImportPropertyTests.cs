using System.Text;
using CsCheck;
using Npgsql;
using SeLetters.MigrationService.Import;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

/// <summary>
/// Properties over generated sources (<see cref="SourceGenerators"/>): whatever a letters.duckdb of any shape holds,
/// the cut-over holds (<see cref="ImportRun.AssertCutOverHoldsAsync"/>): the import and its verification agree, a rerun
/// imports nothing, and export-duckdb gives rows that verify and the same rows back.
/// The counter-examples they found are named tests in <see cref="ValueDomainImportTests"/>.
/// </summary>
public sealed class ImportPropertyTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Any_source_imports_verified_imports_again_as_nothing_and_round_trips_through_export()
    {
        await SourceGenerators.Source.SampleAsync(async source =>
        {
            using var folder = new TempFolder();
            var path = folder.File("letters.duckdb");
            SourceFile.Write(path, source.Shape, source.Rows);
            await ImportRun.AssertCutOverHoldsAsync(postgres, folder, path);
        }, iter: 6, threads: 1, print: source => source.ToString());
    }

    /// <summary>The converter's jsonb text is PostgreSQL's own, and it refuses exactly what jsonb refuses.</summary>
    [Fact]
    public async Task Jsonb_text_written_in_csharp_is_what_postgresql_prints_and_refused_where_postgresql_refuses()
    {
        await using var connection = new NpgsqlConnection(postgres.ServerConnectionString);
        await connection.OpenAsync();
        await SourceGenerators.JsonValue.Where(json => !json.Contains("\\u0000", StringComparison.Ordinal)).SampleAsync(async json =>
        {
            var output = new Utf8Buffer();
            var written = JsonbText.TryWrite(json, output, out _);

            await using var command = new NpgsqlCommand("SELECT @json::jsonb::text", connection);
            command.Parameters.AddWithValue("json", json);
            string? printed;
            try
            {
                printed = (string?)await command.ExecuteScalarAsync();
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.NumericValueOutOfRange
                or PostgresErrorCodes.UntranslatableCharacter)
            {
                printed = null;
            }

            Assert.Equal(printed, written ? Encoding.UTF8.GetString(output.Span) : null);
        }, iter: 400, threads: 1);
    }
}
