using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using SeLetters.SampleData.Letters;

namespace SeLetters.AppHost;

/// <summary>
/// What the migration service imports after migrating: the letters.duckdb of <c>Import:Source</c> (the AppHost parameter
/// <c>import-source</c>), or by default a small generated sample, so a newcomer's <c>dotnet run</c> shows a populated system.
/// </summary>
internal static class LettersImportExtensions
{
    /// <summary>Size of the default sample: enough to browse, imported in about a second.</summary>
    public static readonly LettersSampleOptions Sample = new() { Letters = 200, Seed = 20240108 };

    public static IResourceBuilder<ProjectResource> WithLettersImport(this IResourceBuilder<ProjectResource> migrations, IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["Import:Source"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var source = builder.AddParameter("import-source", Path.GetFullPath(configured));
            return migrations.WithEnvironment("Import__Source", source);
        }

        // No sample in a published manifest, nor when it is turned off (Import:Sample=false).
        if (builder.ExecutionContext.IsPublishMode || !builder.Configuration.GetValue("Import:Sample", true))
        {
            return migrations;
        }

        var folder = builder.Configuration["Import:SampleFolder"]
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "SeLetters", "samples");
        var path = Path.GetFullPath(Path.Combine(folder, "letters.duckdb"));
        var sample = builder.AddParameter("import-source", path);

        // Written just before the migration service starts, only if missing (a model without it writes nothing).
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(migrations.Resource, (_, _) =>
        {
            if (!File.Exists(path))
            {
                var temporary = path + ".tmp";
                LettersDuckDbGenerator.Generate(temporary, Sample);
                File.Move(temporary, path, overwrite: true);
            }

            return Task.CompletedTask;
        });

        return migrations
            .WithEnvironment("Import__Source", sample)
            .WithEnvironment("Import__ReportPath", Path.Combine(Path.GetDirectoryName(path)!, "import-report.json"));
    }
}
