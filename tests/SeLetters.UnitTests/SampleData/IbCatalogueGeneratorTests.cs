using SeLetters.SampleData.Catalogue;

namespace SeLetters.UnitTests.SampleData;

public sealed class IbCatalogueGeneratorTests
{
    [Fact]
    public void The_generator_reaches_the_real_catalogues_size_with_unique_identifiers()
    {
        const int realSize = 342_000;

        var identifiers = IbCatalogueGenerator.Generate(realSize, seed: 1).Select(row => row.ProductIdentifier).ToList();

        Assert.Equal(realSize, identifiers.Count);
        Assert.Equal(realSize, identifiers.Distinct().Count());
    }
}
