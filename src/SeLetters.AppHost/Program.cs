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

// The API connects as a role that cannot change the schema, which the migration service creates; an external
// server's roles are its operator's business, so there the API uses the given connection string as it is.
if (letters.Mode != PostgresMode.External)
{
    const string apiDatabaseRole = "seletters_api";
    var apiDbPassword = builder.AddParameter("api-db-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
    foreach (var project in new IResourceBuilder<ProjectResource>[] { migrations, api })
    {
        project.WithEnvironment("Database__ApiRole", apiDatabaseRole).WithEnvironment("Database__ApiPassword", apiDbPassword);
    }
}

if (builder.ResolveCataloguePath() is { } cataloguePath)
{
    api.WithEnvironment("Catalogue__Path", cataloguePath);
}

// The letters browser: where a person goes. It reads and writes through the API only.
builder.AddProject<Projects.SeLetters_Web>("web")
    .WithReference(api)
    .WaitFor(api)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();
return 0;
