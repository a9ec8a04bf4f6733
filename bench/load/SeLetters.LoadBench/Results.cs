using System.Globalization;
using System.Text.Json;

namespace SeLetters.LoadBench;

/// <summary>
/// The reports in bench/results: <c>&lt;kind&gt;-&lt;UTC time&gt;.&lt;extension&gt;</c>, only the latest of each kind kept
/// (their history is in git), so the folder shows what holds today.
/// </summary>
internal static class Results
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes one report as files of the given extensions and removes the older reports of its kind.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(string directory, string kind, DateTime startedAtUtc, params (string Extension, string Text)[] files)
    {
        var folder = Directory.CreateDirectory(directory);
        var name = $"{kind}-{startedAtUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
        foreach (var older in folder.EnumerateFiles($"{kind}-*").Where(file => IsReportOf(kind, file.Name) && !file.Name.StartsWith(name + ".", StringComparison.Ordinal)))
        {
            older.Delete();
        }

        var paths = new List<string>();
        foreach (var (extension, text) in files)
        {
            var path = Path.Combine(folder.FullName, $"{name}.{extension}");
            await File.WriteAllTextAsync(path, text);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>"load-100000-20261129T101010Z.md" is of kind "load-100000", not of kind "load".</summary>
    private static bool IsReportOf(string kind, string fileName) =>
        fileName.Length > kind.Length + 17 && fileName[kind.Length] == '-' && char.IsDigit(fileName[kind.Length + 1])
        && fileName.AsSpan(kind.Length + 1, 16).ToString() is var stamp && stamp[8] == 'T' && stamp[15] == 'Z';
}
