using SeLetters.AppHost;
using SeLetters.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

LettersDatabase letters;
try
{
    letters = builder.AddLettersDatabase();
}
catch (PostgresUnavailableException unavailable)
{
    Console.Error.WriteLine(unavailable.Message);
    return 1;
}

// The key writes to the API must send (X-Api-Key). Generated for each run unless Parameters:api-key is set.
var apiKey = builder.AddParameter("api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

var migrations = builder.AddProject<Projects.SeLetters_MigrationService>("migrations")
    .WithReference(letters.Database)
    .WaitFor(letters.Server)
    .WithLettersImport(builder)
    .WithOperatorCommands(letters.Database, builder);

var api = builder.AddProject<Projects.SeLetters_Api>("api")
    .WithReference(letters.Database)
    .WithEnvironment("Api__Key", apiKey)
    .WaitForCompletion(migrations)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

if (builder.ResolveCataloguePath() is { } cataloguePath)
{
    api.WithEnvironment("Catalogue__Path", cataloguePath);
}

builder.Build().Run();
return 0;
