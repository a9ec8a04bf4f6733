using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeLetters.Data.Entities;

namespace SeLetters.Data.Configurations;

internal sealed class LetterSearchEntryConfiguration : IEntityTypeConfiguration<LetterSearchEntry>
{
    public void Configure(EntityTypeBuilder<LetterSearchEntry> entry)
    {
        // The table, the triggers that keep it and its indexes are the migrations' SQL, as letter_product_search's are.
        entry.ToTable("letter_search", table => table.ExcludeFromMigrations());
        entry.HasKey(e => e.Id).HasName("letter_search_pkey");
        entry.Property(e => e.Id).HasColumnName("letter_id").ValueGeneratedNever();
        entry.Property(e => e.CreatedAt).HasColumnType(ColumnTypes.Timestamp);
    }
}
