using Npgsql;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class SearchIndexTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task The_search_condition_can_use_the_trigram_indexes()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateMigratedDatabaseAsync());
        await connection.OpenAsync();
        // On an empty table the planner would always scan; forbidding that shows whether an index can serve the query.
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("""
            EXPLAIN SELECT id FROM letters
            WHERE document_name ILIKE @p ESCAPE '\' OR document_title ILIKE @p ESCAPE '\' OR source_file_path ILIKE @p ESCAPE '\'
            """, connection);
        explain.Parameters.AddWithValue("p", "%sepam%");
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        var text = string.Join("\n", plan);
        Assert.Contains("idx_letters_document_name_trgm", text);
        Assert.Contains("idx_letters_document_title_trgm", text);
        Assert.Contains("idx_letters_source_file_path_trgm", text);
    }
}
