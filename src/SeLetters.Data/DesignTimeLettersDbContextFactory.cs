using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SeLetters.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model; it never connects, so the connection string holds no secret.</summary>
internal sealed class DesignTimeLettersDbContextFactory : IDesignTimeDbContextFactory<LettersDbContext>
{
    public LettersDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LettersDbContext>()
            .UseNpgsql("Host=localhost;Database=se_letters")
            .UseLettersConventions()
            .Options);
}
