namespace SeLetters.Data.Entities;

/// <summary>
/// A letter's row in <c>letter_search</c>: its search text and the columns a search filters on, about a fifth of a
/// letters row, so counting the matches of a search reads narrow rows. Kept by a trigger on letters; read only.
/// </summary>
public class LetterSearchEntry : ILetterFilterColumns
{
    public int LetterId { get; private set; }
    public string SearchText { get; private set; } = "";
    public string? Status { get; private set; }
    public float? ExtractionConfidence { get; private set; }
    public DateTime? CreatedAt { get; private set; }
}
