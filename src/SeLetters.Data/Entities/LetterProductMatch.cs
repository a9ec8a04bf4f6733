namespace SeLetters.Data.Entities;

/// <summary>A catalogue product (IBcatalogue) matched to a letter's product.</summary>
public class LetterProductMatch
{
    public int Id { get; set; }
    public int LetterId { get; set; }
    public int LetterProductId { get; set; }
    public required string IbcatalogueProductIdentifier { get; set; }
    public float MatchConfidence { get; set; }
    public string? MatchReason { get; set; }
    public float? TechnicalMatchScore { get; set; }
    public float? NomenclatureMatchScore { get; set; }
    public float? ProductLineMatchScore { get; set; }
    public string? MatchType { get; set; }
    public bool? RangeBasedMatching { get; set; }
    public DateTime? CreatedAt { get; set; }

    public Letter? Letter { get; set; }
    public LetterProduct? LetterProduct { get; set; }
}
