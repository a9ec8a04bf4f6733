using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SeLetters.Data.Entities;

namespace SeLetters.Data.Configurations;

internal sealed class ProcessingDebugStepConfiguration : IEntityTypeConfiguration<ProcessingDebugStep>
{
    public void Configure(EntityTypeBuilder<ProcessingDebugStep> step)
    {
        step.ToTable("processing_debug");
        step.HasKey(s => s.Id).HasName("processing_debug_pkey");
        step.Property(s => s.Id).UseSerialColumn();

        step.Property(s => s.StepTimestamp).HasColumnType(ColumnTypes.Timestamp).HasDefaultValueSql(ColumnTypes.UtcNow);
        step.Property(s => s.StepSuccess).HasDefaultValue(true);

        step.HasOne(s => s.Letter).WithMany(l => l.ProcessingDebug)
            .HasForeignKey(s => s.LetterId)
            .HasConstraintName("processing_debug_letter_id_fkey")
            .OnDelete(DeleteBehavior.Cascade);

        step.HasIndexNamed(s => s.LetterId, "idx_debug_letter_id");
        step.HasIndexNamed(s => s.StepTimestamp, "idx_debug_timestamp");
        step.HasIndexNamed(s => s.ProcessingStep, "idx_debug_step");
    }
}
