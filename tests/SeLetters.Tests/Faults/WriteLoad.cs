using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Faults;

/// <summary>
/// Writers storing the sample letter (one product, two matches, two debug steps) as fast as they can until stopped,
/// recording what the API acknowledged and every answer that was not an acknowledgement.
/// </summary>
public sealed class WriteLoad
{
    /// <summary>How long one request may take before the test calls it a hang.</summary>
    public static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _writers;

    public sealed record Failure(HttpStatusCode? Status, string Body, TimeSpan Elapsed, DateTime At);

    /// <summary>Acknowledged letters: file hash → id.</summary>
    public ConcurrentDictionary<string, int> Acknowledged { get; } = new();

    public ConcurrentQueue<Failure> Failures { get; } = new();

    /// <summary>When each acknowledgement arrived, to tell writes before, during and after an outage apart.</summary>
    public ConcurrentQueue<DateTime> AcknowledgedAt { get; } = new();

    private WriteLoad(Func<HttpClient> createWriter, int writers, Func<int, string> name)
    {
        // Each client is created before its task: a task blocked while the first client starts the API holds a pool thread.
        _writers = Enumerable.Range(0, writers).Select(writer =>
        {
            var client = createWriter();
            return Task.Run(() => WriteAsync(client, writer, name));
        }).ToList();
    }

    /// <param name="name">Tells the writers of different load generators apart in one database.</param>
    public static WriteLoad Start(Func<HttpClient> createWriter, int writers, string name = "w") =>
        new(createWriter, writers, writer => $"{name}{writer}");

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
    }

    private async Task WriteAsync(HttpClient writer, int writerIndex, Func<int, string> name)
    {
        using var _ = writer;
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var hash = $"{name(writerIndex)}-{i}";
            var started = Stopwatch.StartNew();
            // Not the stop token: a request in flight runs to its end, so its answer is known.
            using var bound = new CancellationTokenSource(RequestBound);
            try
            {
                using var response = await writer.PostAsJsonAsync("/api/letters", Letter($"{hash}.pdf", hash), bound.Token);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
                    Acknowledged[hash] = id;
                    AcknowledgedAt.Enqueue(DateTime.UtcNow);
                }
                else
                {
                    Failures.Enqueue(new Failure(response.StatusCode, await response.Content.ReadAsStringAsync(), started.Elapsed, DateTime.UtcNow));
                    // A down server answers at once; without a pause the writers would spin.
                    await Task.Delay(20);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                Failures.Enqueue(new Failure(null, exception.Message, started.Elapsed, DateTime.UtcNow));
                await Task.Delay(20);
            }
        }
    }

    /// <summary>
    /// Every acknowledged letter is in the database under its id, and no letter is partly stored: each has exactly the
    /// sample's one product, two matches and two debug steps.
    /// </summary>
    public static async Task AssertEveryLetterWholeAsync(string connectionString, IReadOnlyDictionary<string, int> acknowledged)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT l.id, l.file_hash,
                   (SELECT count(*) FROM letter_products p WHERE p.letter_id = l.id),
                   (SELECT count(*) FROM letter_product_matches m WHERE m.letter_id = l.id),
                   (SELECT count(*) FROM processing_debug d WHERE d.letter_id = l.id)
            FROM letters l
            """, connection);
        var stored = new Dictionary<string, int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (id, hash) = (reader.GetInt32(0), reader.GetString(1));
                Assert.True((reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)) == (1, 2, 2),
                    $"letter {id} ({hash}) is partly stored: {reader.GetInt64(2)} products, {reader.GetInt64(3)} matches, {reader.GetInt64(4)} steps");
                Assert.True(stored.TryAdd(hash, id), $"{hash} is stored twice");
            }
        }

        foreach (var (hash, id) in acknowledged)
        {
            Assert.True(stored.TryGetValue(hash, out var storedId), $"acknowledged letter {hash} (id {id}) is missing");
            Assert.Equal(id, storedId);
        }
    }
}
