using DuckDB.NET.Data;

namespace SeLetters.Api.Catalogue;

/// <summary>
/// Every product identifier of one catalogue file (about 20 MB for the real catalogue's 342,000), so an identifier the
/// catalogue lacks is answered without a query: DuckDB has no index to serve a point look-up, and each query scans the
/// identifier column. Exact, like the catalogue's own comparison.
/// </summary>
internal sealed class CatalogueIdentifierIndex
{
    private readonly HashSet<string> _identifiers;

    private CatalogueIdentifierIndex(HashSet<string> identifiers) => _identifiers = identifiers;

    public static async Task<CatalogueIdentifierIndex> ReadAsync(DuckDBConnection connection, CatalogueLayout layout)
    {
        await using var command = CatalogueSql.Identifiers(connection, layout);
        await using var reader = await command.ExecuteReaderAsync();
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            identifiers.Add(reader.GetString(0));
        }

        return new CatalogueIdentifierIndex(identifiers);
    }

    public bool Contains(string identifier) => _identifiers.Contains(identifier);
}
