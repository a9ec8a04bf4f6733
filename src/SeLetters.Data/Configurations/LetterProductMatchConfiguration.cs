using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeLetters.Data.Entities;

namespace SeLetters.Data.Configurations;

internal sealed class LetterProductMatchConfiguration : IEntityTypeConfiguration<LetterProductMatch>
{
    public void Configure(EntityTypeBuilder<LetterProductMatch> match)
    {
        match.ToTable("letter_product_matches");
        match.HasKey(m => m.Id).HasName("letter_product_matches_pkey");
        match.Property(m => m.Id).UseSerialColumn();

        match.Property(m => m.TechnicalMatchScore).HasDefaultValueSql(ColumnTypes.ZeroReal);
        match.Property(m => m.NomenclatureMatchScore).HasDefaultValueSql(ColumnTypes.ZeroReal);
        match.Property(m => m.ProductLineMatchScore).HasDefaultValueSql(ColumnTypes.ZeroReal);
        match.Property(m => m.RangeBasedMatching).HasDefaultValue(false);
        match.Property(m => m.CreatedAt).HasColumnType(ColumnTypes.Timestamp).HasDefaultValueSql(ColumnTypes.UtcNow);

        match.HasOne(m => m.Letter).WithMany(l => l.Matches)
            .HasForeignKey(m => m.LetterId)
            .HasConstraintName("letter_product_matches_letter_id_fkey")
            .OnDelete(DeleteBehavior.Cascade);
        match.HasOne(m => m.LetterProduct).WithMany(p => p.Matches)
            .HasForeignKey(m => m.LetterProductId)
            .HasConstraintName("letter_product_matches_letter_product_id_fkey")
            .OnDelete(DeleteBehavior.Cascade);

        match.HasIndexNamed(m => m.LetterId, "idx_matches_letter_id");
        match.HasIndexNamed(m => m.LetterProductId, "idx_matches_product_id");
        match.HasIndexNamed(m => m.IbcatalogueProductIdentifier, "idx_matches_ibcatalogue_id");
        match.HasIndexNamed(m => m.MatchConfidence, "idx_matches_confidence");

        match.HasIndexNamed(m => new { m.MatchConfidence, m.MatchType }, "idx_matches_confidence_type");
    }
}
