using Microsoft.EntityFrameworkCore;
using SeLetters.Data.Entities;

namespace SeLetters.Data;

/// <summary>The letters database (<c>se_letters</c>): the schema of the migration plan's Phase 2 and Phase 7.</summary>
public class LettersDbContext(DbContextOptions<LettersDbContext> options) : DbContext(options)
{
    public DbSet<Letter> Letters => Set<Letter>();
    public DbSet<LetterProduct> LetterProducts => Set<LetterProduct>();
    public DbSet<LetterProductMatch> LetterProductMatches => Set<LetterProductMatch>();
    public DbSet<ProcessingDebugStep> ProcessingDebug => Set<ProcessingDebugStep>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LettersDbContext).Assembly);
}
