namespace SeLetters.Data.Entities;

/// <summary>The letter columns a search filters and sorts on, shared by the letters and their search rows.</summary>
public interface ILetterSearchColumns
{
    int Id { get; }
    string DocumentName { get; }
    float? ProcessingTimeMs { get; }
    float? ExtractionConfidence { get; }
    DateTime? CreatedAt { get; }
    string? Status { get; }
}
