namespace SeLetters.Api.Catalogue;

/// <summary>Configuration section <c>Catalogue</c>.</summary>
public sealed class CatalogueOptions
{
    public const string Section = "Catalogue";

    /// <summary>The IBcatalogue DuckDB file; opened read-only.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// How many products read from the file are kept in memory for the next letters that name them (about 1 KB each).
    /// Identifiers the catalogue lacks never need a read: the reader keeps an index of all of them.
    /// </summary>
    public int CachedProducts { get; set; } = 10_000;
}
