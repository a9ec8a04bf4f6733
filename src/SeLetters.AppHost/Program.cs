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

// The API connects as a role of its own, which may read and write the letters' rows and nothing else. The migration
// service owns the schema: it alone gets the owner's connection string, and it creates that role with this password.
const string apiDatabaseRole = "seletters_api";
var apiDbPassword = builder.AddParameter("api-db-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

var migrations = builder.AddProject<Projects.SeLetters_MigrationService>("migrations")
    .WithReference(letters.Database)
    .WithEnvironment("Database__ApiRole", apiDatabaseRole)
    .WithEnvironment("Database__ApiPassword", apiDbPassword)
    .WaitFor(letters.Server)
    .WithLettersImport(builder)
    .WithOperatorCommands(letters.Database, builder);

var api = builder.AddProject<Projects.SeLetters_Api>("api")
    .WithEnvironment($"ConnectionStrings__{LettersDatabaseExtensions.DatabaseResourceName}", letters.ConnectionStringAs(apiDatabaseRole, apiDbPassword))
    .WithEnvironment("Api__Key", apiKey)
    .WaitForCompletion(migrations)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

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
