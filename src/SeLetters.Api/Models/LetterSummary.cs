namespace SeLetters.Api.Models;

/// <summary>A letter in a search result: its columns without the JSON documents, products and debug steps.</summary>
public sealed record LetterSummary(
    int Id,
    string DocumentName,
    string? DocumentType,
    string? DocumentTitle,
    string SourceFilePath,
    string? FileHash,
    float? ProcessingTimeMs,
    float? ExtractionConfidence,
    DateTime? CreatedAt,
    DateTime? UpdatedAt,
    string? Status);
