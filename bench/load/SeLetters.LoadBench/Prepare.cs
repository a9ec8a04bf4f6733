using System.Diagnostics;
using System.Globalization;
using SeLetters.SampleData.Catalogue;
using SeLetters.SampleData.Letters;

namespace SeLetters.LoadBench;

/// <summary>
/// <c>prepare --letters N --work DIR</c>: the sample files the run imports and serves, each generated once per size
/// and kept in the work folder (generating 100,000 letters takes longer than a short run).
/// </summary>
internal static class Prepare
{
    /// <summary>About the real IBcatalogue's size.</summary>
    public const int CatalogueProducts = 342_000;

    public static int Run(string[] args)
    {
        if (args.Length != 4 || args[0] != "--letters" || args[2] != "--work"
            || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var letters) || letters <= 0)
        {
            Console.Error.WriteLine("usage: SeLetters.LoadBench prepare --letters N --work DIR");
            return 2;
        }

        var work = Directory.CreateDirectory(args[3]).FullName;
        Generate(Path.Combine(work, $"letters-{letters}.duckdb"), path => LettersDuckDbGenerator.Generate(path, new LettersSampleOptions { Letters = letters }));
        Generate(Path.Combine(work, $"IBcatalogue-{CatalogueProducts}.duckdb"), path => IbCatalogueGenerator.Write(path, CatalogueProducts));
        return 0;
    }

    private static void Generate(string path, Action<string> write)
    {
        if (File.Exists(path))
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        write(path + ".tmp");
        File.Move(path + ".tmp", path);
        Console.WriteLine($"generated {path} in {clock.Elapsed.TotalSeconds:F0} s");
    }
}
