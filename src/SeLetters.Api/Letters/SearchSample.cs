using Npgsql;

namespace SeLetters.Api.Letters;

/// <summary>
/// About <see cref="SearchTuning.SampleRows"/> letters' search rows (<c>TABLESAMPLE SYSTEM</c>, the same pages every
/// time) with each letter's place in every sort order, and the number of letters as ANALYZE last counted them: what
/// <see cref="SearchEstimate"/> chooses a search's way from. Read in one round trip, kept a minute and read again in the
/// background (<see cref="SearchPlanMemory.SampleAsync"/>): read again for every search, inside its statement, the sample took
/// 4–5 ms of the 8–12 ms of a search with only a filter at 100,000 letters, and its part of the statement half the
/// planning.
/// </summary>
internal sealed record SearchSample(int SampleRows, double TableRows, SampledLetter[] Letters)
{
    // The places come from PostgreSQL's own sort (its collation, NULLs last), as the sort indexes hold them. The products'
    // text is looked up letter by letter: joined, the planner hashed all of letter_product_search (70 ms at 100,000).
    private const string Sql = """
        WITH size AS (SELECT greatest(c.reltuples, 1)::float8 AS rows FROM pg_class c WHERE c.oid = 'letter_search'::regclass),
        sample AS (SELECT * FROM letter_search s TABLESAMPLE SYSTEM ((SELECT least(100, 100 * @sample_rows / rows) FROM size)) REPEATABLE (0))
        SELECT z.rows, s.letter_id, s.search_text,
            (SELECT p.search_text FROM letter_product_search p WHERE p.letter_id = s.letter_id), s.status, s.created_at, s.extraction_confidence,
            row_number() OVER (ORDER BY s.created_at, s.letter_id)::int,
            row_number() OVER (ORDER BY s.document_name, s.letter_id)::int,
            row_number() OVER (ORDER BY s.extraction_confidence, s.letter_id)::int,
            row_number() OVER (ORDER BY s.processing_time_ms, s.letter_id)::int,
            row_number() OVER (ORDER BY s.status, s.letter_id)::int
        FROM size z LEFT JOIN sample s ON true
        """;

    public static async Task<SearchSample> ReadAsync(NpgsqlConnection connection, int sampleRows, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter<int>("sample_rows", sampleRows));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tableRows = 1d;
        var letters = new List<SampledLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tableRows = reader.GetDouble(0);
            // One row without a letter when the sample is empty.
            if (!reader.IsDBNull(1))
            {
                letters.Add(new SampledLetter(
                    reader.GetInt32(1), reader.GetString(2), Optional<string>(reader, 3), Optional<string>(reader, 4),
                    reader.IsDBNull(5) ? null : reader.GetDateTime(5), reader.IsDBNull(6) ? null : reader.GetFloat(6),
                    new SortPlaces(reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11))));
            }
        }

        return new SearchSample(sampleRows, tableRows, [.. letters]);
    }

    private static T? Optional<T>(NpgsqlDataReader reader, int ordinal) where T : class => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}

/// <summary>A sampled letter's search row: its lower-cased texts (the products' too, if it has any) and the columns filtered on.</summary>
internal sealed record SampledLetter(
    int LetterId, string SearchText, string? ProductText, string? Status, DateTime? CreatedAt, float? Confidence, SortPlaces Places)
{
    /// <summary>The letter's place among the sample in ascending order of <paramref name="sortColumn"/>, ties by id.</summary>
    public int PlaceBy(string sortColumn) => sortColumn switch
    {
        "id" => LetterId,
        "created_at" => Places.CreatedAt,
        "document_name" => Places.DocumentName,
        "extraction_confidence" => Places.ExtractionConfidence,
        "processing_time_ms" => Places.ProcessingTime,
        "status" => Places.Status,
        _ => throw new ArgumentOutOfRangeException(nameof(sortColumn), sortColumn, "Not a sort column."),
    };
}

/// <summary>A sampled letter's place in each sort order but the id's, ascending with NULLs last.</summary>
internal readonly record struct SortPlaces(int CreatedAt, int DocumentName, int ExtractionConfidence, int ProcessingTime, int Status);
