using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SeLetters.Hosting;

/// <summary>The PostgreSQL server binaries installed on this machine.</summary>
internal sealed partial record LocalPostgresInstallation(string BinDirectory, int MajorVersion)
{
    /// <summary>Finds the binaries: the configured folder, else <c>pg_config --bindir</c>, else the newest /usr/lib/postgresql/*/bin.</summary>
    public static LocalPostgresInstallation? Find(string? configuredBinDirectory)
    {
        IEnumerable<string> candidates = configuredBinDirectory is not null
            ? [configuredBinDirectory]
            : [.. PgConfigBinDirectory(), .. DebianBinDirectories()];

        foreach (var directory in candidates)
        {
            if (File.Exists(Path.Combine(directory, "postgres")) && File.Exists(Path.Combine(directory, "initdb"))
                && ServerMajorVersion(directory) is { } major)
            {
                return new LocalPostgresInstallation(directory, major);
            }
        }

        return null;
    }

    private static IEnumerable<string> PgConfigBinDirectory()
    {
        var output = Run("pg_config", "--bindir");
        return string.IsNullOrWhiteSpace(output) ? [] : [output.Trim()];
    }

    private static IEnumerable<string> DebianBinDirectories()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.GetDirectories(root)
            .Select(version => (Version: int.TryParse(Path.GetFileName(version), out var major) ? major : -1, Bin: Path.Combine(version, "bin")))
            .Where(candidate => candidate.Version > 0)
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin);
    }

    private static int? ServerMajorVersion(string binDirectory)
    {
        var match = VersionPattern().Match(Run(Path.Combine(binDirectory, "postgres"), "--version") ?? "");
        return match.Success ? int.Parse(match.Groups[1].Value) : null;
    }

    private static string? Run(string fileName, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(fileName, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\(PostgreSQL\) (\d+)")]
    private static partial Regex VersionPattern();
}
