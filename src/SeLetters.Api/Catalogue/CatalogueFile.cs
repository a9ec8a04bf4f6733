using DuckDB.NET.Data;

namespace SeLetters.Api.Catalogue;

/// <summary>
/// One opening of the catalogue file, shared by every request: the connection that keeps it open (read-only, so any
/// number of processes read it at once), its layout, identifier index and product cache. Opening costs tens of
/// milliseconds and indexing the real catalogue about 150 ms more; another connection to the open file next to nothing.
/// <para>
/// Counted holds decide when it closes: the reader holds it while it hands it out, each request while it uses it. A
/// reader that gives it up (<see cref="Retire"/>: the file failed) only drops its own hold, so the file closes when the
/// last request using it is done, never under one.
/// </para>
/// </summary>
internal sealed class CatalogueFile
{
    private readonly DuckDBConnection _connection;
    private int _holds = 1;
    private int _retired;

    private CatalogueFile(DuckDBConnection connection, CatalogueLayout layout, CatalogueIdentifierIndex identifiers, CatalogueProductCache products)
    {
        _connection = connection;
        Layout = layout;
        Identifiers = identifiers;
        Products = products;
    }

    public CatalogueLayout Layout { get; }

    public CatalogueIdentifierIndex Identifiers { get; }

    public CatalogueProductCache Products { get; }

    /// <exception cref="CatalogueUnavailableException">The file holds no usable products table.</exception>
    /// <exception cref="DuckDBException">The file cannot be opened or read.</exception>
    public static async Task<CatalogueFile> OpenAsync(string path, int cachedProducts)
    {
        var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = path, ["ACCESS_MODE"] = "READ_ONLY" }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            var layout = await CatalogueLayout.ReadAsync(connection);
            var identifiers = await CatalogueIdentifierIndex.ReadAsync(connection, layout);
            return new CatalogueFile(connection, layout, identifiers, new CatalogueProductCache(cachedProducts));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection of the caller's own (a DuckDB connection is not thread-safe), on the same open database.</summary>
    public async Task<DuckDBConnection> ConnectAsync()
    {
        var connection = new DuckDBConnection(_connection.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Holds the file open for one use; false once it has closed.</summary>
    public bool TryHold()
    {
        for (var holds = Volatile.Read(ref _holds); holds > 0; holds = Volatile.Read(ref _holds))
        {
            if (Interlocked.CompareExchange(ref _holds, holds + 1, holds) == holds)
            {
                return true;
            }
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            Products.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>Drops the reader's own hold, once however often it is called.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }
    }
}
