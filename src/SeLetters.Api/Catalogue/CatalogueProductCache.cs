using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Caching.Memory;

namespace SeLetters.Api.Catalogue;

/// <summary>
/// The products read from one catalogue file, for the next letters that name them: at most
/// <see cref="CatalogueOptions.CachedProducts"/>, the least recently used going first.
/// </summary>
internal sealed class CatalogueProductCache(int capacity) : IDisposable
{
    private static readonly MemoryCacheEntryOptions OneProduct = new() { Size = 1 };

    private readonly MemoryCache _products = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, capacity) });

    public bool TryGet(string identifier, [NotNullWhen(true)] out CatalogueProduct? product) =>
        _products.TryGetValue(identifier, out product) && product is not null;

    public void Add(CatalogueProduct product) => _products.Set(product.ProductIdentifier, product, OneProduct);

    public void Dispose() => _products.Dispose();
}
