using CsCheck;
using Npgsql;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Schema;

/// <summary>A letter's derived rows are rewritten once per transaction, at commit, exactly (their cost: <see cref="StoreCostTests"/>).</summary>
public sealed class DerivedRowsTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private abstract record Edit;

    private sealed record AddProduct(int Letter, string? Identifier, string? Range) : Edit;

    private sealed record ChangeProduct(int Product, string? Identifier, string? Range) : Edit;

    private sealed record MoveProduct(int Product, int Letter) : Edit;

    private sealed record RemoveProduct(int Product) : Edit;

    private sealed record RenameLetter(int Letter, string Name, string? Title) : Edit;

    private sealed record RemoveLetter(int Letter) : Edit;

    private sealed record Commit : Edit;

    private const int LettersPerSample = 3;

    // Text from pieces that change under lower(), a character outside the BMP, a line feed (the rows' own separator),
    // and nothing at all; long text now and then (as long as a btree index row allows).
    private static readonly Gen<string> Text = Gen.Frequency(
        (10, Gen.OneOf("A", "b", "Ä", "ß", "𝄞", "\n", " ", "-", "LC1D").Array[0, 6].Select(string.Concat)),
        (1, Gen.Const(new string('x', 2000))));

    private static readonly Gen<int> LetterIndex = Gen.Int[0, LettersPerSample - 1];
    private static readonly Gen<int> ProductIndex = Gen.Int[0, 50];

    private static readonly Gen<Edit> Edits = Gen.Frequency(
        (6, Gen.Select(LetterIndex, Text.Null(), Text.Null(), (letter, identifier, range) => (Edit)new AddProduct(letter, identifier, range))),
        (3, Gen.Select(ProductIndex, Text.Null(), Text.Null(), (product, identifier, range) => (Edit)new ChangeProduct(product, identifier, range))),
        (2, Gen.Select(ProductIndex, LetterIndex, (product, letter) => (Edit)new MoveProduct(product, letter))),
        (3, ProductIndex.Select(product => (Edit)new RemoveProduct(product))),
        (2, Gen.Select(LetterIndex, Text, Text.Null(), (letter, name, title) => (Edit)new RenameLetter(letter, name, title))),
        (1, LetterIndex.Select(letter => (Edit)new RemoveLetter(letter))),
        (2, Gen.Const((Edit)new Commit())));

    [Fact]
    public async Task Any_transactions_of_product_and_letter_edits_leave_the_derived_rows_equal_to_their_recomputation()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();

        await Edits.Array[1, 30].SampleAsync(async edits =>
        {
            var letters = await CreateLettersAsync(database);
            try
            {
                await ApplyAsync(database, letters, edits);
                await DerivedTables.AssertExactAsync(database);
            }
            finally
            {
                await Target.ExecuteAsync(database, $"DELETE FROM letters WHERE id IN ({string.Join(", ", letters)})");
            }
        }, iter: 60, threads: 1, print: edits => string.Join("; ", edits.AsEnumerable()));
    }

    private static async Task<int[]> CreateLettersAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO letters (document_name, source_file_path) SELECT 'Letter ' || g, '/in/' || g FROM generate_series(1, {LettersPerSample}) g RETURNING id",
            connection);
        var ids = new List<int>();
        await using var reader = await insert.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        return [.. ids];
    }

    /// <summary>The edits in transactions that <see cref="Commit"/> ends; a product is picked among the sample's by position.</summary>
    private static async Task ApplyAsync(string database, int[] letters, Edit[] edits)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        const string PickedProduct = """
            (SELECT id FROM letter_products WHERE letter_id = ANY(@letters) ORDER BY id
             OFFSET @product % greatest((SELECT count(*) FROM letter_products WHERE letter_id = ANY(@letters)), 1) LIMIT 1)
            """;
        foreach (var edit in edits)
        {
            if (edit is Commit)
            {
                await transaction.CommitAsync();
                transaction = await connection.BeginTransactionAsync();
                continue;
            }

            await using var command = new NpgsqlCommand(edit switch
            {
                AddProduct => "INSERT INTO letter_products (letter_id, product_identifier, range_label) SELECT id, @identifier, @range FROM letters WHERE id = @letter",
                ChangeProduct => $"UPDATE letter_products SET product_identifier = @identifier, range_label = @range WHERE id = {PickedProduct}",
                MoveProduct => $"UPDATE letter_products SET letter_id = @letter WHERE id = {PickedProduct} AND EXISTS (SELECT FROM letters WHERE id = @letter)",
                RemoveProduct => $"DELETE FROM letter_products WHERE id = {PickedProduct}",
                RenameLetter => "UPDATE letters SET document_name = @name, document_title = @title WHERE id = @letter",
                _ => "DELETE FROM letters WHERE id = @letter",
            }, connection, transaction);
            (int Letter, int Product, string? Identifier, string? Range, string? Name, string? Title) values = edit switch
            {
                AddProduct add => (add.Letter, 0, add.Identifier, add.Range, null, null),
                ChangeProduct change => (0, change.Product, change.Identifier, change.Range, null, null),
                MoveProduct move => (move.Letter, move.Product, null, null, null, null),
                RemoveProduct remove => (0, remove.Product, null, null, null, null),
                RenameLetter rename => (rename.Letter, 0, null, null, rename.Name, rename.Title),
                RemoveLetter remove => (remove.Letter, 0, null, null, null, null),
                _ => throw new InvalidOperationException(edit.ToString()),
            };
            command.Parameters.AddWithValue("letters", letters);
            command.Parameters.AddWithValue("letter", letters[values.Letter]);
            command.Parameters.AddWithValue("product", values.Product);
            command.Parameters.AddWithValue("identifier", (object?)values.Identifier ?? DBNull.Value);
            command.Parameters.AddWithValue("range", (object?)values.Range ?? DBNull.Value);
            command.Parameters.AddWithValue("name", (object?)values.Name ?? DBNull.Value);
            command.Parameters.AddWithValue("title", (object?)values.Title ?? DBNull.Value);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        await transaction.DisposeAsync();
    }
}
