using Aspire.Hosting;
using Microsoft.Extensions.Configuration;
using SeLetters.SampleData.Catalogue;

namespace SeLetters.Hosting;

public static class CatalogueDefaults
{
    public const string PathKey = "Catalogue:Path";

    /// <summary>
    /// The IBcatalogue file the API reads: <c>Catalogue:Path</c> when configured; otherwise, when running locally, a
    /// generated sample in the user's local data folder (written once, outside the repository); null when publishing
    /// without one, since a path on this machine means nothing to the target environment.
    /// </summary>
    public static string? ResolveCataloguePath(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration[PathKey] is { Length: > 0 } configured)
        {
            return configured;
        }

        if (!builder.ExecutionContext.IsRunMode)
        {
            return null;
        }

        var sample = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "SeLetters", "samples", "IBcatalogue.duckdb");
        IbCatalogueGenerator.EnsureExists(sample);
        return sample;
    }
}
