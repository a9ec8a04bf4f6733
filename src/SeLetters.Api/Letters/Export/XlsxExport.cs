using System.Data.Common;
using System.IO.Pipelines;
using MiniExcelLibs;

namespace SeLetters.Api.Letters.Export;

/// <summary>
/// An Excel workbook with one sheet, "Letters": a header row, then a row per letter; numbers and timestamps as typed
/// cells. Written by MiniExcel, which streams a worksheet into the zip as it goes.
/// </summary>
/// <remarks>
/// MiniExcel writes synchronously (its asynchronous writer puts the drawing element inside sheetData, which the Open
/// XML schema and Excel refuse), so it runs on a thread of its own, reading the rows synchronously and writing into a
/// pipe that the request copies to the response: a dedicated thread blocks, no thread-pool thread does.
/// </remarks>
internal sealed class XlsxExport : LetterExportFormat
{
    /// <summary>Excel's limit of characters in a cell; longer text is cut there (CSV and NDJSON carry it whole).</summary>
    public const int MaxCellChars = 32_767;

    public const string SheetName = "Letters";

    public override string Name => "xlsx";

    public override string ContentType => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public override int? MaxLetters(LetterExportOptions options) => options.XlsxMaxLetters;

    public override async Task WriteAsync(DbDataReader reader, Stream body, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        var writing = Task.Factory.StartNew(() => Write(reader, pipe.Writer, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await pipe.Reader.CopyToAsync(body, cancellationToken);
        }
        finally
        {
            // Unblocks the writer if the copy stopped early (the client went away).
            await pipe.Reader.CompleteAsync();
            await writing;
        }
    }

    private static void Write(DbDataReader reader, PipeWriter pipe, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            using var stream = pipe.AsStream(leaveOpen: true);
            MiniExcel.SaveAs(stream, Rows(reader, cancellationToken), sheetName: SheetName, excelType: ExcelType.XLSX);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        // The copy ends here, with the writer's exception if it failed: the response is then cut off, not completed.
        pipe.Complete(failure);
    }

    private static IEnumerable<IDictionary<string, object?>> Rows(DbDataReader reader, CancellationToken cancellationToken)
    {
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = LetterExportRow.Read(reader);
            object?[] cells =
            [
                row.Id, Cell(row.DocumentName), Cell(row.DocumentTitle), Cell(row.DocumentType), Cell(row.Status),
                Cell(row.ExtractionConfidence), Cell(row.ProcessingTimeMs), row.CreatedAt, row.UpdatedAt, Cell(row.FileHash),
                Cell(row.SourceFilePath), row.ProductCount, Cell(row.ProductIdentifiers),
            ];
            yield return LetterExportRow.Columns.Zip(cells).ToDictionary(cell => cell.First, cell => cell.Second);
        }
    }

    /// <summary>A number cell; NaN and ±Infinity, which a number cell cannot hold, as text.</summary>
    private static object? Cell(float? value) => value is { } number && !float.IsFinite(number) ? Number(number) : value;

    /// <summary>Text cut to <see cref="MaxCellChars"/>, never between the two halves of a surrogate pair.</summary>
    public static string? Cell(string? text)
    {
        if (text is null || text.Length <= MaxCellChars)
        {
            return text;
        }

        var length = char.IsHighSurrogate(text[MaxCellChars - 1]) ? MaxCellChars - 1 : MaxCellChars;
        return text[..length];
    }
}
