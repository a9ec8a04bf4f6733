using Npgsql;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Api;

public sealed class SearchIndexTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Theory]
    [InlineData("letter_product_search", "search_text", "idx_letter_product_search_trgm")]
    [InlineData("letter_product_search", "letter_text", "idx_letter_product_search_letter_text_trgm")]
    [InlineData("letter_search", "search_text", "idx_letter_search_trgm")]
    public async Task The_search_conditions_can_use_the_trigram_indexes_which_keep_no_pending_list(string table, string column, string index)
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateMigratedDatabaseAsync());
        await connection.OpenAsync();
        // On an empty table the planner would always scan; forbidding that shows whether an index can serve the query.
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        // The condition LetterStore.SearchAsync writes for ?search= and ?product=.
        await using var explain = new NpgsqlCommand($"EXPLAIN SELECT 1 FROM {table} WHERE {column} LIKE @p ESCAPE '\\'", connection);
        explain.Parameters.AddWithValue("p", "%sepam%");
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(index, string.Join("\n", plan));

        // Every search would otherwise scan the entries stored since the last merge (docs/schema.md).
        await using var options = new NpgsqlCommand("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = @index", connection);
        options.Parameters.AddWithValue("index", index);
        Assert.Equal("fastupdate=off", await options.ExecuteScalarAsync());
    }
}
