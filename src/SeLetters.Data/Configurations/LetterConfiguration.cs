using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeLetters.Data.Entities;

namespace SeLetters.Data.Configurations;

internal sealed class LetterConfiguration : IEntityTypeConfiguration<Letter>
{
    public void Configure(EntityTypeBuilder<Letter> letter)
    {
        letter.ToTable("letters");
        letter.HasKey(l => l.Id).HasName("letters_pkey");
        letter.Property(l => l.Id).UseSerialColumn();

        letter.Property(l => l.ProcessingMethod).HasDefaultValue("production_pipeline");
        letter.Property(l => l.CreatedAt).HasColumnType(ColumnTypes.Timestamp).HasDefaultValueSql(ColumnTypes.UtcNow);
        letter.Property(l => l.UpdatedAt).HasColumnType(ColumnTypes.Timestamp).HasDefaultValueSql(ColumnTypes.UtcNow);
        letter.Property(l => l.Status).HasDefaultValue("processed");
        letter.Property(l => l.RawGrokJson).HasColumnType(ColumnTypes.Jsonb);
        letter.Property(l => l.OcrSupplementaryJson).HasColumnType(ColumnTypes.Jsonb);
        letter.Property(l => l.ProcessingStepsJson).HasColumnType(ColumnTypes.Jsonb);
        letter.Property(l => l.ValidationDetailsJson).HasColumnType(ColumnTypes.Jsonb);

        // What GET /api/letters?search= matches: the three searched columns lower-cased once at write time, so a search
        // is one byte-wise LIKE on one trigram index instead of three case-folding ILIKEs per row.
        letter.Property<string>(SearchText.Property).HasColumnName(SearchText.Column)
            .HasComputedColumnSql(SearchText.Of("document_name", "document_title", "source_file_path"), stored: true);

        letter.HasIndexNamed(l => l.SourceFilePath, "idx_letters_source_path");
        letter.HasIndexNamed(l => l.Status, "idx_letters_status");
        letter.HasIndexNamed(l => l.FileHash, "idx_letters_file_hash");
        letter.HasIndexNamed(l => l.CreatedAt, "idx_letters_created_at");
        letter.HasIndexNamed(l => l.DocumentName, "idx_letters_document_name");
        letter.HasIndexNamed(l => l.RawGrokJson, "idx_letters_raw_grok_gin").HasMethod("gin");
        letter.HasIndexNamed(l => l.ValidationDetailsJson, "idx_letters_validation_details_gin").HasMethod("gin");

        // Phase 7 of the seed.
        letter.HasIndexNamed(l => new { l.CreatedAt, l.Status }, "idx_letters_created_at_status");
        letter.HasIndexNamed(l => l.Id, "idx_letters_processed").HasFilter("status = 'processed'");
        letter.HasIndexNamed(l => l.Id, "idx_letters_failed").HasFilter("status = 'failed'");
        letter.HasIndexNamed(l => new { l.Id, l.DocumentName, l.CreatedAt, l.Status }, "idx_letters_covering");
    }
}
