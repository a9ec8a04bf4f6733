using System.Data.Common;
using CsvHelper;

namespace SeLetters.Api.Letters.Export;

/// <summary>
/// RFC 4180 CSV in UTF-8 (no byte order mark). Text that a spreadsheet would run as a formula (starting with <c>=</c>,
/// <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return) is prefixed with <c>'</c>: a CSV is opened in spreadsheets, and a
/// letter's name comes from a PDF nobody vetted. NDJSON and XLSX carry such text unchanged.
/// </summary>
internal sealed class CsvExport : LetterExportFormat
{
    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    public override string Name => "csv";

    public override string ContentType => "text/csv; charset=utf-8";

    public override async Task WriteAsync(DbDataReader reader, Stream body, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(body, Options, leaveOpen: true);
        csv.WriteHeader(LetterExportRow.Columns);
        await foreach (var row in RowsAsync(reader, cancellationToken))
        {
            csv.WriteField(row.Id);
            csv.WriteField(row.DocumentName);
            csv.WriteField(row.DocumentTitle);
            csv.WriteField(row.DocumentType);
            csv.WriteField(row.Status);
            csv.WriteField(row.ExtractionConfidence);
            csv.WriteField(row.ProcessingTimeMs);
            csv.WriteField(Timestamp(row.CreatedAt));
            csv.WriteField(Timestamp(row.UpdatedAt));
            csv.WriteField(row.FileHash);
            csv.WriteField(row.SourceFilePath);
            csv.WriteField(row.ProductCount);
            csv.WriteField(row.ProductIdentifiers);
            await csv.EndRecordAsync(cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }
}
