using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeLetters.Data.Entities;

namespace SeLetters.Data.Configurations;

internal sealed class LetterProductConfiguration : IEntityTypeConfiguration<LetterProduct>
{
    public void Configure(EntityTypeBuilder<LetterProduct> product)
    {
        product.ToTable("letter_products");
        product.HasKey(p => p.Id).HasName("letter_products_pkey");
        product.Property(p => p.Id).UseSerialColumn();

        product.Property(p => p.ConfidenceScore).HasDefaultValueSql(ColumnTypes.ZeroReal);
        product.Property(p => p.ValidationStatus).HasDefaultValue("validated");

        product.HasOne(p => p.Letter).WithMany(l => l.Products)
            .HasForeignKey(p => p.LetterId)
            .HasConstraintName("letter_products_letter_id_fkey")
            .OnDelete(DeleteBehavior.Cascade);

        product.HasIndexNamed(p => p.LetterId, "idx_products_letter_id");
        product.HasIndexNamed(p => p.RangeLabel, "idx_products_range_label");
        product.HasIndexNamed(p => p.ProductIdentifier, "idx_products_product_identifier");

        product.HasIndexNamed(p => new { p.LetterId, p.RangeLabel }, "idx_products_letter_range");
    }
}
