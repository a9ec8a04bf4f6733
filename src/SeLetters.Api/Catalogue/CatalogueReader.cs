using DuckDB.NET.Data;
using Microsoft.Extensions.Options;
using SeLetters.Api.Models;

namespace SeLetters.Api.Catalogue;

/// <summary>
/// Reads the IBcatalogue DuckDB file for the API: products by identifier (from the identifier index and the cache
/// where it can, else in one query) and searches. The file is opened by the first request and shared
/// (<see cref="CatalogueFile"/>); when it fails to read, it is swapped for a new opening at the next request, while the
/// requests still using the old one finish on it.
/// </summary>
internal sealed partial class CatalogueReader(IOptions<CatalogueOptions> options, ILogger<CatalogueReader> logger) : IDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private CatalogueFile? _current;

    public async Task<CatalogueProduct?> GetAsync(string productIdentifier, CancellationToken cancellationToken)
    {
        var found = await FindAsync([productIdentifier], cancellationToken);
        return found.GetValueOrDefault(productIdentifier);
    }

    /// <summary>The catalogue rows of these identifiers; only those neither unknown nor cached are read, in one query.</summary>
    public Task<Dictionary<string, CatalogueProduct>> FindAsync(IReadOnlyCollection<string> productIdentifiers, CancellationToken cancellationToken) =>
        UseAsync(async file =>
        {
            var found = new Dictionary<string, CatalogueProduct>(StringComparer.Ordinal);
            var uncached = new HashSet<string>(StringComparer.Ordinal);
            foreach (var identifier in productIdentifiers.Where(file.Identifiers.Contains))
            {
                if (file.Products.TryGet(identifier, out var cached))
                {
                    found[identifier] = cached;
                }
                else
                {
                    uncached.Add(identifier);
                }
            }

            if (uncached.Count > 0)
            {
                await using var connection = await file.ConnectAsync();
                await using var select = CatalogueSql.ByIdentifiers(connection, file.Layout, uncached);
                foreach (var product in await CatalogueSql.ReadProductsAsync(select, cancellationToken))
                {
                    found[product.ProductIdentifier] = product;
                    file.Products.Add(product);
                }
            }

            return found;
        });

    /// <summary>As <see cref="FindAsync"/>, but an unavailable catalogue only leaves the letter's matches without their rows.</summary>
    public async Task<IReadOnlyDictionary<string, CatalogueProduct>> FindForEnrichmentAsync(IReadOnlyCollection<string> productIdentifiers, CancellationToken cancellationToken)
    {
        try
        {
            return await FindAsync(productIdentifiers, cancellationToken);
        }
        catch (CatalogueUnavailableException unavailable)
        {
            LogNotEnriched(logger, unavailable.Message);
            return new Dictionary<string, CatalogueProduct>();
        }
    }

    public Task<PagedResult<CatalogueProduct>> SearchAsync(CatalogueSearchQuery query, CancellationToken cancellationToken) =>
        UseAsync(async file =>
        {
            var (page, limit) = (query.Page ?? 1, query.Limit ?? CatalogueSearchQuery.DefaultLimit);
            await using var connection = await file.ConnectAsync();
            var (count, select) = CatalogueSql.Search(connection, file.Layout, query, page, limit);
            await using (count)
            await using (select)
            {
                var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
                return new PagedResult<CatalogueProduct>(await CatalogueSql.ReadProductsAsync(select, cancellationToken), total, page, limit);
            }
        });

    /// <summary>Whether the catalogue can be opened and read; null when it can, else why not.</summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await UseAsync(async file =>
            {
                await using var connection = await file.ConnectAsync();
                await using var count = CatalogueSql.CountAll(connection);
                return await count.ExecuteScalarAsync(cancellationToken);
            });
            return null;
        }
        catch (CatalogueUnavailableException unavailable)
        {
            return unavailable.Message;
        }
    }

    /// <summary>Runs <paramref name="read"/> on the open file, held for the time it takes; a file that fails is given up.</summary>
    private async Task<T> UseAsync<T>(Func<CatalogueFile, Task<T>> read)
    {
        var file = await HoldAsync();
        try
        {
            return await read(file);
        }
        catch (DuckDBException exception)
        {
            LogUnreadable(logger, options.Value.Path!, exception);
            GiveUp(file);
            throw new CatalogueUnavailableException("The catalogue file cannot be read.", exception);
        }
        finally
        {
            file.Release();
        }
    }

    private async Task<CatalogueFile> HoldAsync()
    {
        while (true)
        {
            // A file given up and closed since it was read here cannot be held: the next turn finds its successor.
            var file = Volatile.Read(ref _current) ?? await OpenAsync();
            if (file.TryHold())
            {
                return file;
            }
        }
    }

    /// <summary>
    /// Opens the file once for every request waiting (instead of each concurrent first request building an index of
    /// its own); tried again by every request until it succeeds.
    /// </summary>
    private async Task<CatalogueFile> OpenAsync()
    {
        var path = options.Value.Path;
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CatalogueUnavailableException("No catalogue file is configured (Catalogue:Path).");
        }

        if (!File.Exists(path))
        {
            LogMissing(logger, path);
            throw new CatalogueUnavailableException("The catalogue file does not exist.");
        }

        await _opening.WaitAsync();
        try
        {
            if (Volatile.Read(ref _current) is { } opened)
            {
                return opened; // another request opened it meanwhile
            }

            var file = await CatalogueFile.OpenAsync(path, options.Value.CachedProducts);
            Volatile.Write(ref _current, file);
            return file;
        }
        catch (DuckDBException exception)
        {
            LogUnreadable(logger, path, exception);
            throw new CatalogueUnavailableException("The catalogue file cannot be read.", exception);
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>The next request opens the file again; this opening closes once the requests using it are done.</summary>
    private void GiveUp(CatalogueFile file)
    {
        if (Interlocked.CompareExchange(ref _current, null, file) == file)
        {
            file.Retire();
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _current, null)?.Retire();
        _opening.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Letter matches are returned without catalogue rows: {Reason}")]
    private static partial void LogNotEnriched(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalogue file {Path} does not exist")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "The catalogue file {Path} cannot be read")]
    private static partial void LogUnreadable(ILogger logger, string path, Exception exception);
}
