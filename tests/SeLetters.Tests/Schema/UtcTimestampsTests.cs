using System.Text.Json.Nodes;
using Npgsql;
using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Schema;

/// <summary>Timestamps the database writes itself are UTC, whatever the server's TimeZone (a local server inherits the host's).</summary>
public sealed class UtcTimestampsTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    // Every timestamp a letter, its matches and debug steps get from a column default, and letter_search's copy.
    private const string Written = """
        SELECT l.created_at, l.updated_at, m.created_at, d.step_timestamp, s.created_at
        FROM letters l
        JOIN letter_product_matches m ON m.letter_id = l.id
        JOIN processing_debug d ON d.letter_id = l.id
        JOIN letter_search s ON s.letter_id = l.id
        WHERE l.id = @id
        """;

    /// <summary>Whatever the time of day, a zone whose date is not UTC's: 12 hours behind before noon UTC, 14 ahead after.</summary>
    [Fact]
    public Task In_a_zone_whose_date_is_not_utcs_a_stored_letter_gets_utc_timestamps_and_counts_on_its_utc_day() =>
        StoreWithoutTimestampsAsync(DateTime.UtcNow.Hour < 12 ? "Etc/GMT+12" : "Pacific/Kiritimati");

    [Fact]
    public Task In_a_zone_a_half_hour_off_a_stored_letter_gets_utc_timestamps_and_counts_on_its_utc_day() =>
        StoreWithoutTimestampsAsync("America/St_Johns");

    private async Task StoreWithoutTimestampsAsync(string zone)
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        await Target.ExecuteAsync(database, $"ALTER DATABASE {name} SET timezone = '{zone}'");
        // The sessions the test's own reads left in the pool keep the zone they started with.
        Target.ClearPool(database);
        Assert.Equal(zone, await Target.ScalarAsync<string>(database, "SHOW timezone"));
        await using var api = LettersApiFactory.For(database);
        using var writer = api.CreateWriter();
        var letter = Letter("utc.pdf");
        letter["processing_debug"] = new JsonArray(new JsonObject { ["processing_step"] = "ocr" });

        var before = DateTime.UtcNow;
        var id = await StoreAsync(writer, letter);
        var after = DateTime.UtcNow;

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand(Written, connection);
        read.Parameters.AddWithValue("id", id);
        await using (var reader = await read.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            for (var column = 0; column < reader.FieldCount; column++)
            {
                var written = reader.GetDateTime(column);
                // The database's clock is this machine's; a second either way for rounding.
                Assert.True(written >= before.AddSeconds(-1) && written <= after.AddSeconds(1),
                    $"{reader.GetName(column)} (column {column}) is {written:O}, not between {before:O} and {after:O} (UTC)");
            }
        }

        var day = (await Target.ScalarAsync<DateTime>(database, $"SELECT created_at FROM letters WHERE id = {id}")).ToString("yyyy-MM-dd");
        var statistics = await GetJsonAsync(api.CreateClient(), "/api/letters/statistics");
        var days = statistics.GetProperty("letters_per_day").EnumerateArray().Select(d => (d.GetProperty("day").GetString(), d.GetProperty("count").GetInt32()));
        Assert.Equal<(string?, int)>([(day, 1)], [.. days]);
    }
}
