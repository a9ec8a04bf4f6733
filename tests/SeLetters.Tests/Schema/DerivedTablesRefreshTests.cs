using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using SeLetters.Data;
using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Schema;

/// <summary>
/// The bulk refresh (<see cref="BulkLoad.RefreshAsync"/>) run again and again while the API stores, replaces, patches and
/// deletes letters and another session edits products: afterwards every derived row equals its recomputation from the
/// tables.
/// </summary>
public sealed class DerivedTablesRefreshTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private const int Rounds = 6;

    [Fact]
    public async Task A_refresh_during_api_writes_leaves_every_derived_row_equal_to_its_recomputation()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        // The API folds the statistics changes meanwhile too.
        await using var api = LettersApiFactory.For(database, ("Api:StatisticsFoldInterval", "00:00:00.05"));
        using var writer = api.CreateWriter();
        var letters = new ConcurrentDictionary<int, bool>();
        foreach (var id in await Task.WhenAll(Enumerable.Range(0, 30).Select(i => StoreAsync(writer, Letter($"stored-{i}.pdf")))))
        {
            letters[id] = true;
        }

        var refreshing = RefreshWhileLoadingAsync(database, letters);
        var failures = new ConcurrentQueue<string>();
        Task<int>[] writes =
        [
            .. Enumerable.Range(0, 4).Select(seed => WriteThroughTheApiAsync(writer, letters, seed, refreshing, failures)),
            EditProductsAsync(database, letters, refreshing, failures),
        ];
        var refreshes = await refreshing;
        var counts = await Task.WhenAll(writes);

        Assert.True(failures.IsEmpty, $"{string.Join("\n", failures)}\nThe API logged:\n{api.Logged.Text}");
        Assert.Equal(Rounds, refreshes);
        Assert.True(counts.All(count => count > 0) && counts.Sum() > 4 * Rounds, $"writes during the refreshes: {string.Join(", ", counts)}");
        await DerivedTables.AssertExactAsync(database);
        Assert.Equal(0, await Target.CountAsync(database, "derived_rows_pending"));
    }

    /// <summary>
    /// The interleaving that deadlocked: the refresh has claimed letter X and waits for the claim of letter Y, which a
    /// writer holds; a delete of X locks X's row and waits; the writer commits, and the refresh goes on to insert X's
    /// derived row, whose foreign key needs a share of the row the delete holds. Both must complete.
    /// </summary>
    [Fact]
    public async Task A_delete_of_a_letter_the_refresh_is_rewriting_waits_for_it_and_neither_is_rolled_back()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var refresher = await Target.OpenAsync(database);
        await Target.ExecuteAsync(refresher, $"SELECT set_config('{BulkLoad.Setting}', 'on', false)");
        // Loaded in bulk, so neither has derived rows yet: the refresh inserts them.
        var (x, y) = (await InsertLetterAsync(refresher), await InsertLetterAsync(refresher));

        await using var writer = await Target.OpenAsync(database);
        await using var writing = await writer.BeginTransactionAsync();
        await Target.ExecuteAsync(writer, $"UPDATE letters SET status = 'reviewed' WHERE id = {y}");
        var refresh = BulkLoad.RefreshAsync(refresher);
        await WaitUntilBlockedAsync(database, refresher, refresh, "the refresh, on the claim of the letter being written");

        await using var deleter = await Target.OpenAsync(database);
        var delete = Target.ExecuteAsync(deleter, $"DELETE FROM letters WHERE id = {x}");
        await WaitUntilBlockedAsync(database, deleter, delete, "the delete, on the letter the refresh rewrites");
        await writing.CommitAsync();

        await Task.WhenAll(refresh, delete);
        Assert.Equal(0, await Target.ScalarAsync<long>(database, $"SELECT count(*) FROM letters WHERE id = {x}"));
        await DerivedTables.AssertExactAsync(database);
    }

    private static async Task<int> InsertLetterAsync(NpgsqlConnection connection)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO letters (document_name, source_file_path, status) VALUES ('bulk.pdf', '/bulk.pdf', 'processed') RETURNING id", connection);
        return (int)(await insert.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilBlockedAsync(string database, NpgsqlConnection session, Task running, string what)
    {
        await using var monitor = await Target.OpenAsync(database);
        await using var blocked = new NpgsqlCommand("SELECT cardinality(pg_blocking_pids(@pid)) > 0", monitor);
        blocked.Parameters.AddWithValue("pid", session.ProcessID);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(bool)(await blocked.ExecuteScalarAsync())!)
        {
            Assert.False(running.IsCompleted, $"Never blocked: {what}");
            Assert.True(DateTime.UtcNow < deadline, $"Not blocked within 30 s: {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Each round loads letters with products as the import does, with the triggers off, adds products to letters the
    /// triggers maintain and removes some, then refreshes, in that bulk-load session. Returns the number of refreshes.
    /// </summary>
    private static async Task<int> RefreshWhileLoadingAsync(string database, ConcurrentDictionary<int, bool> letters)
    {
        await using var connection = await Target.OpenAsync(database);
        await Target.ExecuteAsync(connection, $"SELECT set_config('{BulkLoad.Setting}', 'on', false)");
        var refreshes = 0;
        for (var round = 0; round < Rounds; round++)
        {
            await using (var load = new NpgsqlCommand($"""
                INSERT INTO letters (document_name, document_title, source_file_path, status, extraction_confidence, processing_time_ms, created_at)
                SELECT 'Bulk-{round}-' || g || '.pdf', 'Loaded letter ' || g, '/bulk/{round}/' || g || '.pdf', (ARRAY['processed', 'failed'])[1 + g % 2],
                    g % 10 / 10.0, g * 3.5, timestamp '2026-01-01' + g * interval '7 hours'
                FROM generate_series(1, 150) g
                RETURNING id
                """, connection))
            await using (var reader = await load.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    letters[reader.GetInt32(0)] = true;
                }
            }

            // Deleting and replacing products of letters the API replaces or deletes meanwhile, in one transaction, can
            // deadlock with the API or meet a letter deleted since the statement's snapshot: that transaction is
            // rolled back whole, and the round's products are written again.
            await RetriedWhenRolledBackAsync($"""
                INSERT INTO letter_products (letter_id, product_identifier, range_label)
                SELECT l.id, 'LC{round}-' || l.id || '-' || k, 'Range ' || l.id % 7 FROM letters l, generate_series(1, 3) k
                WHERE l.document_name LIKE 'Bulk-{round}-%';
                INSERT INTO letter_products (letter_id, product_identifier)
                SELECT id, 'LATE-{round}-' || id FROM letters WHERE id % {Rounds} = {round};
                DELETE FROM letter_products WHERE id IN (SELECT id FROM letter_products WHERE id % 11 = {round});
                INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence)
                SELECT letter_id, id, 'IB-' || id, 0.5 FROM letter_products WHERE product_identifier LIKE 'LC{round}-%';
                """);
            await BulkLoad.RefreshAsync(connection);
            refreshes++;
        }

        return refreshes;

        async Task RetriedWhenRolledBackAsync(string sql)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await Target.ExecuteAsync(connection, sql);
                    return;
                }
                catch (PostgresException exception) when (attempt < 10
                    && exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.ForeignKeyViolation)
                {
                }
            }
        }
    }

    /// <summary>Stores, replaces, patches and deletes letters (those loaded in bulk too) until the refreshes are done.</summary>
    private static async Task<int> WriteThroughTheApiAsync(
        HttpClient writer, ConcurrentDictionary<int, bool> letters, int seed, Task refreshing, ConcurrentQueue<string> failures)
    {
        var random = new Random(seed);
        var writes = 0;
        while (!refreshing.IsCompleted)
        {
            var ids = letters.Keys.ToArray();
            var id = ids[random.Next(ids.Length)];
            using var response = random.Next(10) switch
            {
                < 3 => await writer.PostAsJsonAsync("/api/letters", Letter($"written-{seed}-{writes}.pdf")),
                < 5 => await writer.PutAsJsonAsync($"/api/letters/{id}", Letter($"replaced-{seed}-{writes}.pdf")),
                < 9 => await writer.PatchAsJsonAsync($"/api/letters/{id}", new JsonObject
                {
                    ["status"] = random.Next(2) == 0 ? "reviewed" : "failed",
                    ["document_title"] = $"Patched {seed}-{writes}",
                }),
                _ => await writer.DeleteAsync($"/api/letters/{id}"),
            };
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            {
                failures.Enqueue($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            if (response.StatusCode == HttpStatusCode.Created)
            {
                letters[(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<int>()] = true;
            }

            writes++;
        }

        return writes;
    }

    /// <summary>
    /// Adds, renames and removes products of a random letter, one letter per transaction as the API writes, with the
    /// triggers on, locking the letter first as docs/schema.md asks of a writer of products (the batch is one implicit
    /// transaction). A letter the API deletes first makes the insert fail on its foreign key, as it should.
    /// </summary>
    private static async Task<int> EditProductsAsync(string database, ConcurrentDictionary<int, bool> letters, Task refreshing, ConcurrentQueue<string> failures)
    {
        var random = new Random(99);
        var edits = 0;
        await using var connection = await Target.OpenAsync(database);
        while (!refreshing.IsCompleted)
        {
            var ids = letters.Keys.ToArray();
            await using var edit = new NpgsqlCommand("""
                SELECT FROM letters WHERE id = @letter FOR NO KEY UPDATE;
                INSERT INTO letter_products (letter_id, product_identifier, range_label) VALUES (@letter, 'EDIT-' || @n, 'Edited');
                UPDATE letter_products SET range_label = 'Renamed ' || @n WHERE id = (SELECT max(id) FROM letter_products WHERE letter_id = @letter);
                DELETE FROM letter_products WHERE id = (SELECT min(id) FROM letter_products WHERE letter_id = @letter);
                """, connection);
            edit.Parameters.AddWithValue("n", edits);
            edit.Parameters.AddWithValue("letter", ids[random.Next(ids.Length)]);
            try
            {
                await edit.ExecuteNonQueryAsync();
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                // the letter was deleted first
            }
            catch (PostgresException exception)
            {
                failures.Enqueue($"product edit: {exception.SqlState} {exception.MessageText}");
            }

            edits++;
        }

        return edits;
    }
}
