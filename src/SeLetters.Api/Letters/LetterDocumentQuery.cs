using System.Data;
using System.Text.Json;
using Npgsql;
using SeLetters.Api.Models;

namespace SeLetters.Api.Letters;

/// <summary>
/// A letter with its products, their matches and its debug steps, read in one round trip: the four SELECTs go to
/// PostgreSQL as one Npgsql batch and are read straight into the document. EF Core's split query took a round trip per
/// table and built entities only for them to be copied into the document, which at 100 concurrent readers cost more
/// CPU than PostgreSQL spent answering. The matches are those of the letter's products, as EF Core's include read them.
/// </summary>
internal static class LetterDocumentQuery
{
    /// <summary>
    /// jsonb takes documents nested as deep as PostgreSQL's stack allows (over 10,000 at the default max_stack_depth):
    /// every stored letter is read back, whatever wrote it. A request's documents are bounded far lower (JsonDocumentAttribute).
    /// </summary>
    private static readonly JsonDocumentOptions StoredJson = new() { MaxDepth = 1_000_000 };

    /// <summary>
    /// The letter, its matches without their catalogue rows, and its version; null when there is no such letter. The four
    /// statements read one snapshot: under READ COMMITTED each took its own, so a write committed between them gave a
    /// document of two versions, or a match whose product was not read (a 500). Npgsql sends the BEGIN with the batch;
    /// the COMMIT is a round trip more. BEGIN and COMMIT inside the batch, one round trip, were no faster (at 100
    /// concurrent readers, 4,413 reads a second against 4,473): what the snapshot costs is its two statements.
    /// </summary>
    public static Task<VersionedLetter?> ReadAsync(NpgsqlConnection connection, int id, CancellationToken cancellationToken) =>
        ReadAsync(connection, LetterDocumentSql.Statements, id, cancellationToken);

    /// <summary>The first letter stored with this file hash, found within the read's snapshot.</summary>
    public static Task<VersionedLetter?> ReadByHashAsync(NpgsqlConnection connection, string fileHash, CancellationToken cancellationToken) =>
        ReadAsync(connection, LetterDocumentSql.StatementsByHash, fileHash, cancellationToken);

    /// <summary>
    /// The letter as the write of <paramref name="transaction"/> left it, with the version that write gave it, read before
    /// its commit: read after, a write committed in between was answered instead. The write holds the letter's row, and
    /// every write of the API to a letter, its products, matches or steps takes that row first: none can commit while it reads.
    /// </summary>
    public static Task<VersionedLetter?> ReadWrittenAsync(NpgsqlTransaction transaction, int id, CancellationToken cancellationToken) =>
        ReadAsync(transaction, LetterDocumentSql.Statements, id, cancellationToken);

    private static async Task<VersionedLetter?> ReadAsync<TKey>(
        NpgsqlConnection connection, IReadOnlyList<string> statements, TKey key, CancellationToken cancellationToken)
    {
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var letter = await ReadAsync(snapshot, statements, key, cancellationToken);
        await snapshot.CommitAsync(cancellationToken);
        return letter;
    }

    private static async Task<VersionedLetter?> ReadAsync<TKey>(
        NpgsqlTransaction transaction, IReadOnlyList<string> statements, TKey key, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var sql in statements)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql) { Parameters = { new NpgsqlParameter<TKey> { TypedValue = key } } });
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var letter = ReadLetter(reader);
        var version = reader.GetFieldValue<uint>(17);

        await reader.NextResultAsync(cancellationToken);
        var products = new List<(ProductDocument Product, List<MatchDocument> Matches)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            products.Add((ReadProduct(reader), []));
        }

        await reader.NextResultAsync(cancellationToken);
        var productIndex = products.Select((entry, index) => (entry.Product.Id, index)).ToDictionary(p => p.Id, p => p.index);
        while (await reader.ReadAsync(cancellationToken))
        {
            products[productIndex[reader.GetInt32(0)]].Matches.Add(ReadMatch(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        var steps = new List<DebugStepDocument>();
        while (await reader.ReadAsync(cancellationToken))
        {
            steps.Add(ReadDebugStep(reader));
        }

        return new VersionedLetter(
            letter with
            {
                Products = [.. products.Select(entry => entry.Product with { Matches = entry.Matches })],
                ProcessingDebug = steps,
            },
            version);
    }

    private static LetterDocument ReadLetter(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt32(0),
        DocumentName = reader.GetString(1),
        DocumentType = Text(reader, 2),
        DocumentTitle = Text(reader, 3),
        SourceFilePath = reader.GetString(4),
        FileSize = reader.IsDBNull(5) ? null : reader.GetInt32(5),
        FileHash = Text(reader, 6),
        ProcessingMethod = Text(reader, 7),
        ProcessingTimeMs = Real(reader, 8),
        ExtractionConfidence = Real(reader, 9),
        CreatedAt = Timestamp(reader, 10),
        UpdatedAt = Timestamp(reader, 11),
        Status = Text(reader, 12),
        RawGrokJson = Json(reader, 13),
        OcrSupplementaryJson = Json(reader, 14),
        ProcessingStepsJson = Json(reader, 15),
        ValidationDetailsJson = Json(reader, 16),
    };

    private static ProductDocument ReadProduct(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt32(0),
        ProductIdentifier = Text(reader, 1),
        RangeLabel = Text(reader, 2),
        SubrangeLabel = Text(reader, 3),
        ProductLine = Text(reader, 4),
        ProductDescription = Text(reader, 5),
        ObsolescenceStatus = Text(reader, 6),
        EndOfServiceDate = Text(reader, 7),
        ReplacementSuggestions = Text(reader, 8),
        ConfidenceScore = Real(reader, 9),
        ValidationStatus = Text(reader, 10),
    };

    /// <summary>Column 0 is the match's product, used only to place it.</summary>
    private static MatchDocument ReadMatch(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt32(1),
        IbcatalogueProductIdentifier = reader.GetString(2),
        MatchConfidence = reader.GetFloat(3),
        MatchReason = Text(reader, 4),
        TechnicalMatchScore = Real(reader, 5),
        NomenclatureMatchScore = Real(reader, 6),
        ProductLineMatchScore = Real(reader, 7),
        MatchType = Text(reader, 8),
        RangeBasedMatching = reader.IsDBNull(9) ? null : reader.GetBoolean(9),
        CreatedAt = Timestamp(reader, 10),
    };

    private static DebugStepDocument ReadDebugStep(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt32(0),
        ProcessingStep = reader.GetString(1),
        StepTimestamp = Timestamp(reader, 2),
        StepDurationMs = Real(reader, 3),
        StepSuccess = reader.IsDBNull(4) ? null : reader.GetBoolean(4),
        StepDetails = Text(reader, 5),
        ErrorMessage = Text(reader, 6),
    };

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static float? Real(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFloat(ordinal);

    /// <summary>timestamp without time zone: Npgsql returns it with DateTimeKind.Unspecified, as EF Core did.</summary>
    private static DateTime? Timestamp(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDateTime(ordinal);

    /// <summary>The jsonb columns come back as JSON values, not as strings holding JSON.</summary>
    private static JsonElement? Json(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonElement.Parse(reader.GetString(ordinal), StoredJson);
}
