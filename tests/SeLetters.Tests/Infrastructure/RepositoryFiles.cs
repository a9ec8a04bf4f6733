namespace SeLetters.Tests.Infrastructure;

/// <summary>Files the tests read from the repository they were built from.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build output of one of the solution's projects, in the same configuration as the tests.</summary>
    public static string ProjectOutput(string project, string fileName)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0/
        return Path.Combine(Root, "src", project, "bin", configuration, "net10.0", fileName);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SeLetters.Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SeLetters.Aspire.sln above {AppContext.BaseDirectory}");
    }
}
