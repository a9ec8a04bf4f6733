namespace SeLetters.Api.Catalogue;

/// <summary>Configuration section <c>Catalogue</c>.</summary>
public sealed class CatalogueOptions
{
    public const string Section = "Catalogue";

    /// <summary>The IBcatalogue DuckDB file; opened read-only.</summary>
    public string? Path { get; set; }
}
