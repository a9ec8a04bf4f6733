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

var migrations = builder.AddProject<Projects.SeLetters_MigrationService>("migrations")
    .WithReference(letters.Database)
    .WaitFor(letters.Server)
    .WithLettersImport(builder);

builder.AddProject<Projects.SeLetters_Api>("api")
    .WithReference(letters.Database)
    .WaitForCompletion(migrations)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();
return 0;
