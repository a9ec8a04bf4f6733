namespace SeLetters.Data.Entities;

/// <summary>A product that a letter declares obsolete.</summary>
public class LetterProduct
{
    public int Id { get; set; }
    public int LetterId { get; set; }
    public string? ProductIdentifier { get; set; }
    public string? RangeLabel { get; set; }
    public string? SubrangeLabel { get; set; }
    public string? ProductLine { get; set; }
    public string? ProductDescription { get; set; }
    public string? ObsolescenceStatus { get; set; }
    public string? EndOfServiceDate { get; set; }
    public string? ReplacementSuggestions { get; set; }
    public float? ConfidenceScore { get; set; }
    public string? ValidationStatus { get; set; }

    public Letter? Letter { get; set; }
    public List<LetterProductMatch> Matches { get; set; } = [];
}
