using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using SeLetters.Tests.Faults;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Api;

/// <summary>
/// Timestamps mean UTC whatever the zones around them: the API started as a service in India (TZ, +05:30), its database
/// sessions in Kiritimati (+14:00). Writes put UTC in updated_at and step_timestamp; date bounds are converted to UTC.
/// </summary>
public sealed class UtcTimestampTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private string _database = "";
    private ApiProcess _api = null!;
    private HttpClient _writer = null!;

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(_database).Database;
        await Target.ExecuteAsync(postgres.ServerConnectionString, $"ALTER DATABASE {name} SET timezone = 'Pacific/Kiritimati'");
        _api = await ApiProcess.StartAsync(_database, ("TZ", "Asia/Kolkata"));
        _writer = _api.CreateWriter();
    }

    [Fact]
    public async Task Patch_and_put_write_updated_at_in_utc()
    {
        var id = await StoreAsync(_writer, Letter());

        using var patched = await _writer.PatchAsJsonAsync($"/api/letters/{id}", new { status = "reviewed" });
        AssertNow((await patched.Content.ReadFromJsonAsync<JsonObject>())!["updated_at"]!.GetValue<DateTime>());
        using var replaced = await _writer.PutAsJsonAsync($"/api/letters/{id}", Letter());
        AssertNow((await replaced.Content.ReadFromJsonAsync<JsonObject>())!["updated_at"]!.GetValue<DateTime>());
    }

    [Fact]
    public async Task A_step_timestamp_with_an_offset_or_z_is_stored_in_utc_and_one_without_as_written()
    {
        var letter = Letter();
        letter["processing_debug"] = new JsonArray(
            new JsonObject { ["processing_step"] = "offset", ["step_timestamp"] = "2026-11-25T10:00:02+02:00" },
            new JsonObject { ["processing_step"] = "z", ["step_timestamp"] = "2026-11-25T10:00:03Z" },
            new JsonObject { ["processing_step"] = "plain", ["step_timestamp"] = "2026-11-25T10:00:04.123456" });
        var id = await StoreAsync(_writer, letter);

        var steps = (await GetJsonAsync(_writer, $"/api/letters/{id}")).GetProperty("processing_debug").EnumerateArray()
            .ToDictionary(s => s.GetProperty("processing_step").GetString()!, s => s.GetProperty("step_timestamp").GetString());
        Assert.Equal("2026-11-25T08:00:02", steps["offset"]);
        Assert.Equal("2026-11-25T10:00:03", steps["z"]);
        Assert.Equal("2026-11-25T10:00:04.123456", steps["plain"]);
    }

    [Fact]
    public async Task Created_bounds_with_an_offset_are_converted_to_utc()
    {
        var noon = await StoreAsync(_writer, Letter("noon.pdf"));
        await ExecuteAsync($"UPDATE letters SET created_at = '2026-01-10 12:00' WHERE id = {noon}");

        Assert.Equal([noon], await IdsAsync("created_from=" + Uri.EscapeDataString("2026-01-10T13:30:00+02:00")));
        Assert.Empty(await IdsAsync("created_from=" + Uri.EscapeDataString("2026-01-10T14:30:00+02:00")));
        Assert.Equal([noon], await IdsAsync("created_to=" + Uri.EscapeDataString("2026-01-10T07:00:00-05:00")));
        Assert.Empty(await IdsAsync("created_to=2026-01-10T11:59:59Z"));
        Assert.Equal([noon], await IdsAsync("created_from=2026-01-10T12:00:00&created_to=2026-01-10T12:00:00"));
    }

    [Fact]
    public async Task A_date_only_created_to_includes_that_whole_day()
    {
        var late = await StoreAsync(_writer, Letter("late.pdf"));
        var next = await StoreAsync(_writer, Letter("next.pdf"));
        await ExecuteAsync($"UPDATE letters SET created_at = '2026-01-10 23:59:59.999999' WHERE id = {late}");
        await ExecuteAsync($"UPDATE letters SET created_at = '2026-01-11 00:00' WHERE id = {next}");

        Assert.Equal([late], await IdsAsync("created_to=2026-01-10"));
        Assert.Equal([late], await IdsAsync("created_from=2026-01-10&created_to=2026-01-10"));
        Assert.Equal([next], await IdsAsync("created_from=2026-01-11"));
    }

    private async Task<List<int>> IdsAsync(string query) => Ids(await GetJsonAsync(_writer, "/api/letters?" + query));

    private static void AssertNow(DateTime written) =>
        Assert.InRange(written, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5));

    private Task ExecuteAsync(string sql) => Target.ExecuteAsync(_database, sql);

    public async Task DisposeAsync()
    {
        _writer.Dispose();
        await _api.DisposeAsync();
    }
}
