using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SeLetters.Data.Configurations;

internal static class IndexNaming
{
    /// <summary>
    /// An index with the seed's name in the database. Naming the index alone is not enough: the snake_case convention
    /// derives the database name from the columns unless it is set explicitly.
    /// </summary>
    public static IndexBuilder<T> HasIndexNamed<T>(this EntityTypeBuilder<T> entity, Expression<Func<T, object?>> columns, string name)
        where T : class =>
        entity.HasIndex(columns, name).HasDatabaseName(name);
}
