namespace SeLetters.Api.Letters;

/// <summary>
/// The statements of <see cref="LetterDocumentQuery"/>, each finding the letter by <c>$1</c>: its id
/// (<see cref="Statements"/>), or its file hash (<see cref="StatementsByHash"/>). On their own, without dependencies,
/// because the load benchmark compiles this file too: its pgbench baseline runs exactly these reads.
/// </summary>
internal static class LetterDocumentSql
{
    /// <summary>
    /// The first letter stored with the hash (imported data may hold several), found by each statement within the read's
    /// one snapshot: found apart, before the read, a write committed in between gave a letter holding another hash.
    /// </summary>
    private const string IdByHash = "(SELECT id FROM letters WHERE file_hash = $1 ORDER BY id LIMIT 1)";

    public static readonly IReadOnlyList<string> Statements = For("$1");

    public static readonly IReadOnlyList<string> StatementsByHash = For(IdByHash);

    private static string[] For(string letterId) =>
        [LetterSql(letterId), ProductsSql(letterId), MatchesSql(letterId), DebugStepsSql(letterId)];

    private static string LetterSql(string letterId) =>
        "SELECT id, document_name, document_type, document_title, source_file_path, file_size, file_hash, processing_method, "
        + "processing_time_ms, extraction_confidence, created_at, updated_at, status, "
        + "raw_grok_json, ocr_supplementary_json, processing_steps_json, validation_details_json, xmin "
        + $"FROM letters WHERE id = {letterId}";

    private static string ProductsSql(string letterId) =>
        "SELECT id, product_identifier, range_label, subrange_label, product_line, product_description, obsolescence_status, "
        + "end_of_service_date, replacement_suggestions, confidence_score, validation_status "
        + $"FROM letter_products WHERE letter_id = {letterId} ORDER BY id";

    private static string MatchesSql(string letterId) =>
        "SELECT m.letter_product_id, m.id, m.ibcatalogue_product_identifier, m.match_confidence, m.match_reason, "
        + "m.technical_match_score, m.nomenclature_match_score, m.product_line_match_score, m.match_type, m.range_based_matching, m.created_at "
        + $"FROM letter_products p JOIN letter_product_matches m ON m.letter_product_id = p.id WHERE p.letter_id = {letterId} ORDER BY m.id";

    private static string DebugStepsSql(string letterId) =>
        "SELECT id, processing_step, step_timestamp, step_duration_ms, step_success, step_details, error_message "
        + $"FROM processing_debug WHERE letter_id = {letterId} ORDER BY step_timestamp, id";
}
