using System.Net;
using System.Text.Json;
using Npgsql;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Api;

/// <summary>
/// A letter is read in four statements (the letter, its products, their matches, its steps). A write that commits
/// between them must not show: the document is the letter as one moment saw it.
/// </summary>
public sealed class LetterReadSnapshotTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The test holds the matches table locked, so the read waits at its third statement, after its products were read;
    /// then it adds a product with a match and commits. Each statement on its own snapshot read the new match without
    /// its product: a 500 ("The given key was not present in the dictionary"), first seen in CI while a PATCH read back
    /// its letter as another request replaced products.
    /// </summary>
    [Fact]
    public async Task A_product_and_match_committed_while_a_letter_is_read_are_in_neither_part_of_that_read()
    {
        var database = await DatabaseWithOneLetterAsync();
        await using var api = LettersApiFactory.For(database);
        using var reader = api.CreateClient();

        await using var writer = await Target.OpenAsync(database);
        await using var write = await writer.BeginTransactionAsync();
        var (read, _) = await ReadBehindLockedMatchesAsync(database, writer, reader);
        await Target.ExecuteAsync(writer, """
            INSERT INTO letter_products (id, letter_id, product_identifier) VALUES (2, 1, 'P-NEW');
            INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence) VALUES (1, 2, 'NEW', 0.9);
            """);
        await write.CommitAsync();

        using var response = await read;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(["P-OLD: OLD"], ProductsWithMatches(body));
        Assert.Equal(["P-OLD: OLD", "P-NEW: NEW"], ProductsWithMatches(await reader.GetStringAsync("/api/letters/1")));
    }

    /// <summary>
    /// A statement cancelled inside the read's snapshot leaves its transaction aborted; the connection must not go back
    /// to the pool so, or every later request on it would fail.
    /// </summary>
    [Fact]
    public async Task A_read_cancelled_inside_its_snapshot_leaves_its_connection_fit_for_the_next_request()
    {
        var database = await DatabaseWithOneLetterAsync();
        // One connection: the next request gets the one the cancelled read used.
        await using var api = LettersApiFactory.For($"{database};Maximum Pool Size=1");
        using var reader = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/letters/1")).StatusCode);

        HttpStatusCode cancelled;
        await using (var writer = await Target.OpenAsync(database))
        {
            await using var write = await writer.BeginTransactionAsync();
            var (read, pid) = await ReadBehindLockedMatchesAsync(database, writer, reader);
            await Target.ExecuteAsync(database, $"SELECT pg_cancel_backend({pid})");
            cancelled = (await read).StatusCode;
        }

        Assert.Equal(HttpStatusCode.InternalServerError, cancelled);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(["P-OLD: OLD"], ProductsWithMatches(await reader.GetStringAsync("/api/letters/1")));
        }

        Assert.Equal(0L, await Target.ScalarAsync<long>(database,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"));
    }

    /// <summary>
    /// <c>GET /api/letters/by-hash/{file_hash}</c> found the letter's id, then read that letter: a write committed in between
    /// gave a letter holding another hash than the one asked for. Here the hash goes back and forth as fast as one
    /// connection commits; each letter answered must hold the hash it was asked by.
    /// </summary>
    [Fact]
    public async Task A_letter_read_by_its_file_hash_holds_that_hash_while_writes_change_it()
    {
        var database = await DatabaseWithOneLetterAsync();
        await using var api = LettersApiFactory.For(database);
        using var reader = api.CreateClient();
        using var reading = new CancellationTokenSource();
        var writes = Target.WriteUntilStoppedAsync(database, count => $"UPDATE letters SET file_hash = '{(count % 2 == 0 ? "hash-b" : "hash-a")}' WHERE id = 1", reading.Token);

        var answers = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            using var response = await reader.GetAsync("/api/letters/by-hash/hash-a");
            answers.Add(response.StatusCode == HttpStatusCode.OK
                ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("file_hash").GetString()!
                : response.StatusCode.ToString());
        }

        await reading.CancelAsync();
        Assert.True(await writes > 100, "The hash must change while the letter is read.");
        Assert.Contains("hash-a", answers);
        Assert.All(answers, answer => Assert.Contains(answer, new[] { "hash-a", nameof(HttpStatusCode.NotFound) }));
    }

    /// <summary>A database holding letter 1 with its product P-OLD and that product's match OLD.</summary>
    private async Task<string> DatabaseWithOneLetterAsync()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await Target.ExecuteAsync(database, """
            INSERT INTO letters (id, document_name, source_file_path, file_hash) VALUES (1, 'a.pdf', '/in/a.pdf', 'hash-a');
            INSERT INTO letter_products (id, letter_id, product_identifier) VALUES (1, 1, 'P-OLD');
            INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence) VALUES (1, 1, 'OLD', 0.9);
            """);
        return database;
    }

    /// <summary>
    /// Locks the matches table in the writer's transaction and reads letter 1; returns the read once it waits at its
    /// matches, behind the lock, with its server process.
    /// </summary>
    private static async Task<(Task<HttpResponseMessage> Read, int Pid)> ReadBehindLockedMatchesAsync(string database, NpgsqlConnection writer, HttpClient reader)
    {
        await Target.ExecuteAsync(writer, "LOCK TABLE letter_product_matches IN ACCESS EXCLUSIVE MODE");
        var read = reader.GetAsync("/api/letters/1");
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!read.IsCompleted && DateTime.UtcNow < deadline)
        {
            var pid = await Target.ScalarAsync<int>(database,
                "SELECT coalesce(min(pid), 0) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'SELECT m.letter_product_id%'");
            if (pid != 0)
            {
                return (read, pid);
            }

            await Task.Delay(20);
        }

        Assert.Fail(read.IsCompleted ? "The read did not wait for the locked matches table." : $"The read did not reach its matches within {WaitLimit}.");
        return (read, 0);
    }

    private static List<string> ProductsWithMatches(string letter) =>
    [
        .. JsonDocument.Parse(letter).RootElement.GetProperty("products").EnumerateArray().Select(product =>
            $"{product.GetProperty("product_identifier").GetString()}: "
            + string.Join(", ", product.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("ibcatalogue_product_identifier").GetString()))),
    ];
}
