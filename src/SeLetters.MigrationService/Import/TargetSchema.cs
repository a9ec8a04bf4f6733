namespace SeLetters.MigrationService.Import;

internal enum ColumnKind
{
    Integer,
    Text,
    Real,
    Boolean,
    Timestamp,
    Json,
}

/// <param name="HasDefault">False for NOT NULL columns without a default: the source must have them.</param>
internal sealed record TargetColumn(string Name, ColumnKind Kind, bool NotNull = false, bool HasDefault = true);

internal sealed record ParentReference(string Column, string ParentTable);

internal sealed record TargetTable(string Name, TargetColumn[] Columns, ParentReference[] Parents)
{
    public TargetColumn Column(string name) => Columns.Single(column => column.Name == name);
}

/// <summary>The four tables of the seed schema, parents before children, as the importer writes them.</summary>
internal static class TargetSchema
{
    private static TargetColumn Id => new("id", ColumnKind.Integer, NotNull: true, HasDefault: false);

    public static readonly TargetTable Letters = new("letters",
    [
        Id,
        new("document_name", ColumnKind.Text, NotNull: true, HasDefault: false),
        new("document_type", ColumnKind.Text),
        new("document_title", ColumnKind.Text),
        new("source_file_path", ColumnKind.Text, NotNull: true, HasDefault: false),
        new("file_size", ColumnKind.Integer),
        new("file_hash", ColumnKind.Text),
        new("processing_method", ColumnKind.Text),
        new("processing_time_ms", ColumnKind.Real),
        new("extraction_confidence", ColumnKind.Real),
        new("created_at", ColumnKind.Timestamp),
        new("updated_at", ColumnKind.Timestamp),
        new("status", ColumnKind.Text),
        new("raw_grok_json", ColumnKind.Json),
        new("ocr_supplementary_json", ColumnKind.Json),
        new("processing_steps_json", ColumnKind.Json),
        new("validation_details_json", ColumnKind.Json),
    ], []);

    public static readonly TargetTable LetterProducts = new("letter_products",
    [
        Id,
        new("letter_id", ColumnKind.Integer, NotNull: true, HasDefault: false),
        new("product_identifier", ColumnKind.Text),
        new("range_label", ColumnKind.Text),
        new("subrange_label", ColumnKind.Text),
        new("product_line", ColumnKind.Text),
        new("product_description", ColumnKind.Text),
        new("obsolescence_status", ColumnKind.Text),
        new("end_of_service_date", ColumnKind.Text),
        new("replacement_suggestions", ColumnKind.Text),
        new("confidence_score", ColumnKind.Real),
        new("validation_status", ColumnKind.Text),
    ], [new("letter_id", "letters")]);

    public static readonly TargetTable LetterProductMatches = new("letter_product_matches",
    [
        Id,
        new("letter_id", ColumnKind.Integer, NotNull: true, HasDefault: false),
        new("letter_product_id", ColumnKind.Integer, NotNull: true, HasDefault: false),
        new("ibcatalogue_product_identifier", ColumnKind.Text, NotNull: true, HasDefault: false),
        new("match_confidence", ColumnKind.Real, NotNull: true, HasDefault: false),
        new("match_reason", ColumnKind.Text),
        new("technical_match_score", ColumnKind.Real),
        new("nomenclature_match_score", ColumnKind.Real),
        new("product_line_match_score", ColumnKind.Real),
        new("match_type", ColumnKind.Text),
        new("range_based_matching", ColumnKind.Boolean),
        new("created_at", ColumnKind.Timestamp),
    ], [new("letter_id", "letters"), new("letter_product_id", "letter_products")]);

    public static readonly TargetTable ProcessingDebug = new("processing_debug",
    [
        Id,
        new("letter_id", ColumnKind.Integer, NotNull: true, HasDefault: false),
        new("processing_step", ColumnKind.Text, NotNull: true, HasDefault: false),
        new("step_timestamp", ColumnKind.Timestamp),
        new("step_duration_ms", ColumnKind.Real),
        new("step_success", ColumnKind.Boolean),
        new("step_details", ColumnKind.Text),
        new("error_message", ColumnKind.Text),
    ], [new("letter_id", "letters")]);

    /// <summary>Parents before children.</summary>
    public static readonly TargetTable[] Tables = [Letters, LetterProducts, LetterProductMatches, ProcessingDebug];
}
