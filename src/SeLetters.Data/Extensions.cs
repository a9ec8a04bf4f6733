using Microsoft.EntityFrameworkCore;

namespace SeLetters.Data;

public static class LettersDbContextOptions
{
    /// <summary>The conventions every user of <see cref="LettersDbContext"/> shares: the seed's snake_case names.</summary>
    public static TBuilder UseLettersConventions<TBuilder>(this TBuilder options) where TBuilder : DbContextOptionsBuilder
    {
        options.UseSnakeCaseNamingConvention();
        return options;
    }
}
