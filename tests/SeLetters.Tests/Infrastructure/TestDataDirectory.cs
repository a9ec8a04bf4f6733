namespace SeLetters.Tests.Infrastructure;

/// <summary>
/// A data directory of the test run's own, never the one a developer's <c>dotnet run</c> uses. It sits under /tmp
/// because the postgres account must be able to reach it when the tests run as root.
/// </summary>
public sealed class TestDataDirectory(string purpose) : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"seletters-tests-{purpose}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
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
