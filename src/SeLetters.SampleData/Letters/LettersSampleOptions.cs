namespace SeLetters.SampleData.Letters;

/// <summary>The order of the <c>letters</c> columns: as created by the last version, or by the first version and upgraded later.</summary>
public enum LettersColumnOrder
{
    /// <summary><c>..., created_at, updated_at, status, raw_grok_json, ocr_supplementary_json, processing_steps_json, file_hash, validation_details_json</c>.</summary>
    Current,

    /// <summary><c>..., created_at, status, ..., processing_steps_json, file_hash, updated_at, validation_details_json</c> (columns added by ALTER TABLE at the end).</summary>
    Upgraded,
}

/// <summary>What <see cref="LettersDuckDbGenerator"/> writes. The same options and seed give the same file content.</summary>
public sealed record LettersSampleOptions
{
    /// <summary>Number of (regular) letters.</summary>
    public int Letters { get; init; } = 100;

    public int Seed { get; init; } = 42;

    public int ProductsPerLetter { get; init; } = 5;

    public int MatchesPerLetter { get; init; } = 5;

    public int DebugStepsPerLetter { get; init; } = 6;

    public LettersColumnOrder ColumnOrder { get; init; } = LettersColumnOrder.Current;

    /// <summary>False: a file from before matching existed (no <c>letter_product_matches</c> table).</summary>
    public bool WithMatchesTable { get; init; } = true;

    /// <summary>False: <c>letter_products</c> of the first version (no <c>confidence_score</c>, <c>validation_status</c>).</summary>
    public bool WithProductScoreColumns { get; init; } = true;

    /// <summary>False: <c>processing_debug</c> of the first version (no <c>error_message</c>).</summary>
    public bool WithDebugErrorMessage { get; init; } = true;

    /// <summary>False: a hand-made variant of the schema without foreign keys (required for orphans).</summary>
    public bool WithForeignKeys { get; init; } = true;

    /// <summary>Every n-th id of each table is left out (a deleted row); 0 = no gaps.</summary>
    public int IdGapEvery { get; init; }

    /// <summary>How far each sequence is advanced past max(id) (rows inserted then deleted).</summary>
    public int SequenceAhead { get; init; }

    // Edge cases: an edge case on letters puts it on the first n letters; orphans and NULL references are extra rows.

    /// <summary>Matches (extra rows) whose <c>letter_product_id</c> is NULL.</summary>
    public int MatchesWithNullProductId { get; init; }

    /// <summary>Products (extra rows) whose letter does not exist. Requires <see cref="WithForeignKeys"/> = false.</summary>
    public int OrphanProducts { get; init; }

    /// <summary>Debug steps (extra rows) whose letter does not exist. Requires <see cref="WithForeignKeys"/> = false.</summary>
    public int OrphanDebugSteps { get; init; }

    /// <summary>Letters whose <c>raw_grok_json</c> is truncated LLM output (invalid JSON).</summary>
    public int InvalidJsonLetters { get; init; }

    /// <summary>Letters whose <c>ocr_supplementary_json</c> is an empty string.</summary>
    public int EmptyJsonLetters { get; init; }

    /// <summary>Letters whose <c>document_title</c> contains NUL characters.</summary>
    public int NulCharLetters { get; init; }

    /// <summary>Letters whose <c>processing_time_ms</c> is NaN or ±Infinity.</summary>
    public int NaNLetters { get; init; }
}
