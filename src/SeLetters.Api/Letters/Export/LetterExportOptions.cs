namespace SeLetters.Api.Letters.Export;

/// <summary>Configuration section <c>Export</c>.</summary>
public sealed class LetterExportOptions
{
    public const string Section = "Export";

    /// <summary>An XLSX worksheet holds 1,048,576 rows; the first is the header.</summary>
    public const int XlsxRowLimit = 1_048_576;

    /// <summary>
    /// The most letters an XLSX export writes; a search matching more is refused with 400 before anything is written.
    /// At most (and by default) the worksheet's row limit less the header.
    /// </summary>
    public int XlsxMaxLetters { get; set; } = XlsxRowLimit - 1;
}
