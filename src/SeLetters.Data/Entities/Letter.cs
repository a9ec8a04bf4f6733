namespace SeLetters.Data.Entities;

/// <summary>One processed obsolescence letter (a PDF) and what the pipeline extracted from it.</summary>
public class Letter
{
    public int Id { get; set; }
    public required string DocumentName { get; set; }
    public string? DocumentType { get; set; }
    public string? DocumentTitle { get; set; }
    public required string SourceFilePath { get; set; }
    public int? FileSize { get; set; }
    public string? FileHash { get; set; }
    public string? ProcessingMethod { get; set; }
    public float? ProcessingTimeMs { get; set; }
    public float? ExtractionConfidence { get; set; }
    public DateTime? CreatedAt { get; set; }
    public DateTime? UpdatedAt { get; set; }
    public string? Status { get; set; }

    // JSON documents are kept as their text: the database stores them as jsonb, the API passes them through unchanged.
    public string? RawGrokJson { get; set; }
    public string? OcrSupplementaryJson { get; set; }
    public string? ProcessingStepsJson { get; set; }
    public string? ValidationDetailsJson { get; set; }

    public List<LetterProduct> Products { get; set; } = [];
    public List<LetterProductMatch> Matches { get; set; } = [];
    public List<ProcessingDebugStep> ProcessingDebug { get; set; } = [];
}
