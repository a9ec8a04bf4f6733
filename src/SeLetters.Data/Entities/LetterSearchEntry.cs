namespace SeLetters.Data.Entities;

/// <summary>
/// A letter's row in <c>letter_search</c>: its search text and the columns a search filters and sorts on, about a fifth
/// of a letters row, so counting the matches of a search and sorting them read narrow rows. Kept by a trigger on
/// letters; read only. <see cref="Id"/> is the letter's id.
/// </summary>
public class LetterSearchEntry : ILetterSearchColumns
{
    public int Id { get; private set; }
    public string SearchText { get; private set; } = "";
    public string DocumentName { get; private set; } = "";
    public float? ProcessingTimeMs { get; private set; }
    public float? ExtractionConfidence { get; private set; }
    public DateTime? CreatedAt { get; private set; }
    public string? Status { get; private set; }
}
