using SeLetters.SampleData.Catalogue;

namespace SeLetters.Tests.Api;

/// <summary>Generated catalogue files, one per column layout, shared by the whole test run.</summary>
public static class TestCatalogue
{
    public const int ProductCount = 600;

    private static readonly string Directory = Path.Combine(Path.GetTempPath(), $"seletters-tests-catalogue-{Environment.ProcessId}");
    private static readonly Lazy<string> UpperCase = new(() => Generate(CatalogueColumnLayout.UpperCaseV1));
    private static readonly Lazy<string> LowerCase = new(() => Generate(CatalogueColumnLayout.LowerCaseV2));

    public static string UpperCaseV1 => UpperCase.Value;
    public static string LowerCaseV2 => LowerCase.Value;

    private static string Generate(CatalogueColumnLayout layout)
    {
        var path = Path.Combine(Directory, $"IBcatalogue-{layout}.duckdb");
        IbCatalogueGenerator.Write(path, ProductCount, layout);
        return path;
    }
}
