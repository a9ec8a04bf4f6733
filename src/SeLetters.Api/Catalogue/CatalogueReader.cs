using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SeLetters.Api.Extensions;
using SeLetters.Api.Models;

namespace SeLetters.Api.Catalogue;

/// <summary>
/// Reads the IBcatalogue DuckDB file, opened read-only so any number of API instances and other programs can read it
/// at once. Each call has a connection of its own: a DuckDB connection is not thread-safe.
/// </summary>
internal sealed partial class CatalogueReader(IOptions<CatalogueOptions> options, ILogger<CatalogueReader> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _opening = new(1, 1);
    private volatile SharedCatalogue? _shared;

    public async Task<CatalogueProduct?> GetAsync(string productIdentifier, CancellationToken cancellationToken)
    {
        var found = await FindAsync([productIdentifier], cancellationToken);
        return found.GetValueOrDefault(productIdentifier);
    }

    /// <summary>
    /// The catalogue rows of these identifiers. Identifiers the catalogue lacks are answered from its identifier index
    /// and rows read before from the cache; only the rest are read from the file, in one query. DuckDB has no index to
    /// serve a point look-up (the file holds none and a read-only file cannot get one, and a rowid filter scans too),
    /// so each query scans the identifier column: milliseconds of CPU that get by id cannot afford on every request.
    /// </summary>
    public async Task<Dictionary<string, CatalogueProduct>> FindAsync(IReadOnlyCollection<string> productIdentifiers, CancellationToken cancellationToken)
    {
        var shared = await OpenSharedAsync();
        var found = new Dictionary<string, CatalogueProduct>(StringComparer.Ordinal);
        var uncached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var identifier in productIdentifiers)
        {
            if (!shared.Identifiers.Contains(identifier))
            {
                continue;
            }

            if (shared.Products.TryGetValue(identifier, out CatalogueProduct? cached) && cached is not null)
            {
                found[identifier] = cached;
            }
            else
            {
                uncached.Add(identifier);
            }
        }

        if (uncached.Count == 0)
        {
            return found;
        }

        var read = await ReadAsync(shared, async (connection, layout) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {layout.SelectList} FROM products WHERE {layout.Column("product_identifier")} IN ({Placeholders(uncached.Count)})";
            foreach (var identifier in uncached)
            {
                command.Parameters.Add(new DuckDBParameter(identifier));
            }

            return await ReadProductsAsync(command, cancellationToken);
        });
        foreach (var product in read)
        {
            found[product.ProductIdentifier] = product;
            shared.Products.Set(product.ProductIdentifier, product, CachedProduct);
        }

        return found;
    }

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
        WithCatalogueAsync(async (connection, layout) =>
        {
            var conditions = new List<string>();
            var parameters = new List<object>();
            if (!string.IsNullOrEmpty(query.Q))
            {
                conditions.Add($@"({layout.Column("product_identifier")} ILIKE ? ESCAPE '\' OR {layout.Column("product_description")} ILIKE ? ESCAPE '\')");
                parameters.Add(LikePattern.Contains(query.Q));
                parameters.Add(LikePattern.Contains(query.Q));
            }

            if (!string.IsNullOrEmpty(query.Range))
            {
                conditions.Add($"lower({layout.Column("range_label")}) = lower(?)");
                parameters.Add(query.Range);
            }

            if (!string.IsNullOrEmpty(query.Subrange))
            {
                conditions.Add($"lower({layout.Column("subrange_label")}) = lower(?)");
                parameters.Add(query.Subrange);
            }

            var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
            var page = query.Page ?? 1;
            var limit = query.Limit ?? CatalogueSearchQuery.DefaultLimit;

            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM products {where}";
            AddParameters(count, parameters);
            var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT {layout.SelectList} FROM products {where} ORDER BY {layout.Column("product_identifier")} LIMIT ? OFFSET ?";
            AddParameters(select, [.. parameters, limit, (long)(page - 1) * limit]);
            return new PagedResult<CatalogueProduct>(await ReadProductsAsync(select, cancellationToken), total, page, limit);
        });

    /// <summary>Whether the catalogue can be opened and read; null when it can, else why not.</summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WithCatalogueAsync(async (connection, _) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM products";
                return await command.ExecuteScalarAsync(cancellationToken);
            });
            return null;
        }
        catch (CatalogueUnavailableException unavailable)
        {
            return unavailable.Message;
        }
    }

    private async Task<T> WithCatalogueAsync<T>(Func<DuckDBConnection, CatalogueLayout, Task<T>> read) =>
        await ReadAsync(await OpenSharedAsync(), read);

    private async Task<T> ReadAsync<T>(SharedCatalogue shared, Func<DuckDBConnection, CatalogueLayout, Task<T>> read)
    {
        try
        {
            // While the shared connection keeps the file open, DuckDB.NET opens another on the same database instance.
            await using var connection = new DuckDBConnection(shared.Connection.ConnectionString);
            await connection.OpenAsync();
            return await read(connection, shared.Layout);
        }
        catch (DuckDBException exception)
        {
            LogUnreadable(logger, options.Value.Path!, exception);
            Forget(shared);
            throw new CatalogueUnavailableException("The catalogue file cannot be read.", exception);
        }
    }

    /// <summary>
    /// The connection kept open for the reader's lifetime, with the identifier index and the product cache. Opening the
    /// file costs tens of milliseconds, and indexing 342,000 identifiers about 150 ms more, so one request opens it while
    /// the others wait (instead of every concurrent first request building an index of its own); opening another
    /// connection to a file already open costs next to nothing. Retried on every call until the file can be opened.
    /// </summary>
    private async Task<SharedCatalogue> OpenSharedAsync()
    {
        if (_shared is { } opened)
        {
            return opened;
        }

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
            if (_shared is { } other)
            {
                return other; // another request opened it meanwhile
            }

            var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = path, ["ACCESS_MODE"] = "READ_ONLY" }.ConnectionString);
            try
            {
                await connection.OpenAsync();
                var layout = await ReadLayoutAsync(connection)
                    ?? throw new CatalogueUnavailableException("The catalogue file has no products table with a product identifier.");
                var identifiers = await ReadIdentifiersAsync(connection, layout);
                var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.CachedProducts) });
                lock (_gate)
                {
                    _shared = new SharedCatalogue(connection, layout, identifiers, cache);
                    return _shared;
                }
            }
            catch (Exception exception)
            {
                connection.Dispose();
                if (exception is DuckDBException)
                {
                    LogUnreadable(logger, path, exception);
                    throw new CatalogueUnavailableException("The catalogue file cannot be read.", exception);
                }

                throw;
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    private void Forget(SharedCatalogue shared)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_shared, shared))
            {
                _shared = null;
                shared.Dispose();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _shared?.Dispose();
            _shared = null;
        }

        _opening.Dispose();
    }

    private static async Task<CatalogueLayout?> ReadLayoutAsync(DuckDBConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT column_name FROM information_schema.columns WHERE table_name = 'products'";
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<string>();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return CatalogueLayout.From(columns);
    }

    /// <summary>Every product identifier of the file: about 20 MB for the real catalogue's 342,000.</summary>
    private static async Task<HashSet<string>> ReadIdentifiersAsync(DuckDBConnection connection, CatalogueLayout layout)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT CAST({layout.Column("product_identifier")} AS VARCHAR) FROM products";
        await using var reader = await command.ExecuteReaderAsync();
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            identifiers.Add(reader.GetString(0));
        }

        return identifiers;
    }

    private static async Task<List<CatalogueProduct>> ReadProductsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var products = new List<CatalogueProduct>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            var field = 0;
            products.Add(new CatalogueProduct
            {
                ProductIdentifier = Text(field++)!,
                ProductType = Text(field++),
                ProductDescription = Text(field++),
                BrandCode = Text(field++),
                BrandLabel = Text(field++),
                RangeCode = Code(Text(field++)),
                RangeLabel = Text(field++),
                SubrangeCode = Text(field++),
                SubrangeLabel = Text(field++),
                DevicetypeCode = Text(field++),
                DevicetypeLabel = Text(field++),
                IsSchneiderBrand = Flag(Text(field++)),
                Serviceable = Flag(Text(field++)),
                Traceable = Flag(Text(field++)),
                CommercialStatus = Text(field++),
                EndOfProductionDate = Date(Text(field++)),
                EndOfCommercialisation = Date(Text(field++)),
                ServiceObsolescenceDate = Date(Text(field++)),
                EndOfServiceDate = Date(Text(field++)),
                AverageLifeDurationYears = Number(Text(field++)),
                ServiceBusinessValue = Text(field++),
                WarrantyDurationMonths = Number(Text(field++)),
                IncludeInstallationServices = Flag(Text(field++)),
                RelevantForIpCreation = Flag(Text(field++)),
                PlServices = Text(field++),
                Connectable = Text(field++),
                Gdp = Text(field++),
                BuPm0Node = Code(Text(field++)),
                BuLabel = Text(field++),
            });
        }

        return products;
    }

    private static string Placeholders(int count) => string.Join(", ", Enumerable.Repeat("?", count));

    private static void AddParameters(DbCommand command, IEnumerable<object> values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new DuckDBParameter(value));
        }
    }

    /// <summary>'Y'/'N' in the first version, BOOLEAN (cast to 'true'/'false') in the second.</summary>
    private static bool? Flag(string? text) => text switch
    {
        "Y" or "true" => true,
        "N" or "false" => false,
        _ => null,
    };

    /// <summary>The first version stores codes as DOUBLE ("967.0"), the second as text ("967").</summary>
    private static string? Code(string? text) =>
        text is not null && text.EndsWith(".0", StringComparison.Ordinal) ? text[..^2] : text;

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>TIMESTAMP in the first version, text in the second; 4000-12-31 stands for "no end date".</summary>
    private static DateOnly? Date(string? text) =>
        text is { Length: >= 10 } && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year < 4000
            ? date
            : null;

    /// <summary>Each cached product counts 1 against <see cref="CatalogueOptions.CachedProducts"/>.</summary>
    private static readonly MemoryCacheEntryOptions CachedProduct = new() { Size = 1 };

    /// <summary>The open file, its identifiers and the products read from it: forgotten together when it fails.</summary>
    private sealed record SharedCatalogue(DuckDBConnection Connection, CatalogueLayout Layout, HashSet<string> Identifiers, MemoryCache Products) : IDisposable
    {
        public void Dispose()
        {
            Products.Dispose();
            Connection.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Letter matches are returned without catalogue rows: {Reason}")]
    private static partial void LogNotEnriched(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalogue file {Path} does not exist")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "The catalogue file {Path} cannot be read")]
    private static partial void LogUnreadable(ILogger logger, string path, Exception exception);
}
