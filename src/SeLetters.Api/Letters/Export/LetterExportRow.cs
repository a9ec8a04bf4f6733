using System.Data.Common;
using SeLetters.Data.Entities;

namespace SeLetters.Api.Letters.Export;

/// <summary>One letter of an export: its columns without the JSON documents, and its products' identifiers.</summary>
internal sealed record LetterExportRow(
    int Id,
    string DocumentName,
    string? DocumentTitle,
    string? DocumentType,
    string? Status,
    float? ExtractionConfidence,
    float? ProcessingTimeMs,
    DateTime? CreatedAt,
    DateTime? UpdatedAt,
    string? FileHash,
    string SourceFilePath,
    int ProductCount,
    string ProductIdentifiers)
{
    /// <summary>The column names, in the order of the record's fields (the header of every format).</summary>
    public static readonly string[] Columns =
    [
        "id", "document_name", "document_title", "document_type", "status", "extraction_confidence", "processing_time_ms",
        "created_at", "updated_at", "file_hash", "source_file_path", "product_count", "product_identifiers",
    ];

    public const string IdentifierSeparator = "; ";

    /// <summary>
    /// The query whose columns <see cref="Read"/> reads, in that order. A product without an identifier keeps its place
    /// as an empty entry, so the list always has <c>product_count</c> entries.
    /// </summary>
    public static IQueryable<object> Project(IQueryable<Letter> letters) =>
        letters.Select(l => new
        {
            l.Id,
            l.DocumentName,
            l.DocumentTitle,
            l.DocumentType,
            l.Status,
            l.ExtractionConfidence,
            l.ProcessingTimeMs,
            l.CreatedAt,
            l.UpdatedAt,
            l.FileHash,
            l.SourceFilePath,
            ProductCount = l.Products.Count,
            // A grouped subquery is what EF Core translates to string_agg (one row per letter); string.Join over the
            // navigation itself would join the products in and aggregate them in memory.
            ProductIdentifiers = l.Products.GroupBy(p => p.LetterId)
                .Select(products => string.Join(IdentifierSeparator, products.OrderBy(p => p.Id).Select(p => p.ProductIdentifier ?? "")))
                .FirstOrDefault(),
        });

    /// <summary>The reader's current row; the columns are read once each, in order (sequential access).</summary>
    public static LetterExportRow Read(DbDataReader reader) => new(
        reader.GetInt32(0),
        reader.GetString(1),
        Text(reader, 2),
        Text(reader, 3),
        Text(reader, 4),
        Value<float>(reader, 5),
        Value<float>(reader, 6),
        Value<DateTime>(reader, 7),
        Value<DateTime>(reader, 8),
        Text(reader, 9),
        reader.GetString(10),
        reader.GetInt32(11),
        Text(reader, 12) ?? "");

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static T? Value<T>(DbDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}
