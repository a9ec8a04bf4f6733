namespace SeLetters.Tests.Infrastructure;

/// <summary>
/// A folder of one test's own under the temp folder (DuckDB files, reports, backups, a PostgreSQL data directory),
/// never one a developer's <c>dotnet run</c> uses; deleted afterwards.
/// </summary>
public sealed class TempFolder(string purpose = "test") : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory($"seletters-{purpose}-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server that is still shutting down may hold a file; a leftover folder in /tmp is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
