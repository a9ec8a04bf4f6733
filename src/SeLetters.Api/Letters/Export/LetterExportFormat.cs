using System.Data.Common;
using System.Globalization;

namespace SeLetters.Api.Letters.Export;

/// <summary>A file format of <c>GET /api/letters/export</c>: its <c>format</c> name, content type and writer.</summary>
internal abstract class LetterExportFormat
{
    public static readonly IReadOnlyList<LetterExportFormat> All = [new CsvExport(), new NdjsonExport(), new XlsxExport()];

    /// <summary>The value of <c>format</c>, also the file's extension.</summary>
    public abstract string Name { get; }

    public abstract string ContentType { get; }

    /// <summary>At most this many letters fit in the format (null: any number), the count checked before writing.</summary>
    public virtual int? MaxLetters(LetterExportOptions options) => null;

    /// <summary>Writes every row of <paramref name="reader"/> to <paramref name="body"/> as it reads them.</summary>
    public abstract Task WriteAsync(DbDataReader reader, Stream body, CancellationToken cancellationToken);

    public static LetterExportFormat? Find(string? name) => All.FirstOrDefault(format => format.Name == name);

    /// <summary>Reads the rows as the writer asks for them: one row in memory at a time.</summary>
    protected static async IAsyncEnumerable<LetterExportRow> RowsAsync(DbDataReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return LetterExportRow.Read(reader);
        }
    }

    /// <summary>A timestamp as the API's JSON writes it: ISO 8601 without an offset (the database server's clock).</summary>
    protected static string? Timestamp(DateTime? value) =>
        value?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

    /// <summary>A number in its shortest round-trip form; NaN and ±Infinity (imported legacy rows) by name.</summary>
    protected static string? Number(float? value) => value?.ToString(CultureInfo.InvariantCulture);
}
