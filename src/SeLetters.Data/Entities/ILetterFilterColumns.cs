namespace SeLetters.Data.Entities;

/// <summary>The letter columns a search filters on, shared by the letters and their search rows.</summary>
public interface ILetterFilterColumns
{
    string? Status { get; }
    float? ExtractionConfidence { get; }
    DateTime? CreatedAt { get; }
}
