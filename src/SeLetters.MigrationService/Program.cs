using SeLetters.MigrationService;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddMigrationServices();
builder.Services.AddHostedService<MigrationWorker>();

var host = builder.Build();
await host.RunAsync();

// A failed migration must not look like success to WaitForCompletion: the worker sets Environment.ExitCode.
return Environment.ExitCode;
