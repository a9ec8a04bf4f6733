using System.Buffers;
using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SeLetters.Api.Letters.Export;

/// <summary>
/// Newline-delimited JSON: one object per letter with the API's snake_case names, text exactly as stored. NaN and
/// ±Infinity, which JSON numbers cannot hold, are the strings "NaN", "Infinity" and "-Infinity".
/// </summary>
internal sealed class NdjsonExport : LetterExportFormat
{
    private const int FlushBytes = 64 * 1024;
    private static readonly JsonEncodedText[] Names = LetterExportRow.Columns.Select(name => JsonEncodedText.Encode(name)).ToArray();

    public override string Name => "ndjson";

    public override string ContentType => "application/x-ndjson";

    public override async Task WriteAsync(DbDataReader reader, Stream body, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(FlushBytes * 2);
        // Not HTML: characters outside ASCII are written as themselves, not as \u escapes.
        await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await foreach (var row in RowsAsync(reader, cancellationToken))
        {
            Write(json, row);
            json.Flush();
            json.Reset();
            buffer.Write("\n"u8);
            if (buffer.WrittenCount >= FlushBytes)
            {
                await body.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }

        await body.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    private static void Write(Utf8JsonWriter json, LetterExportRow row)
    {
        var column = 0;
        json.WriteStartObject();
        json.WriteNumber(Names[column++], row.Id);
        json.WriteString(Names[column++], row.DocumentName);
        json.WriteString(Names[column++], row.DocumentTitle);
        json.WriteString(Names[column++], row.DocumentType);
        json.WriteString(Names[column++], row.Status);
        WriteNumber(json, Names[column++], row.ExtractionConfidence);
        WriteNumber(json, Names[column++], row.ProcessingTimeMs);
        json.WriteString(Names[column++], Timestamp(row.CreatedAt));
        json.WriteString(Names[column++], Timestamp(row.UpdatedAt));
        json.WriteString(Names[column++], row.FileHash);
        json.WriteString(Names[column++], row.SourceFilePath);
        json.WriteNumber(Names[column++], row.ProductCount);
        json.WriteString(Names[column], row.ProductIdentifiers);
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, JsonEncodedText name, float? value)
    {
        if (value is not { } number)
        {
            json.WriteNull(name);
        }
        else if (float.IsFinite(number))
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteString(name, Number(number));
        }
    }
}
