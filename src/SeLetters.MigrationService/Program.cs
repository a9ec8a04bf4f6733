using SeLetters.MigrationService;

var (commandLine, error) = CommandLine.Parse(args);
if (commandLine is null)
{
    if (error is null)
    {
        Console.WriteLine(CommandLine.Usage);
        return 0;
    }

    Console.Error.WriteLine($"error: {error}");
    return 2;
}

// appsettings.json sits beside the binary: an operator runs the tool from any folder.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(commandLine.Settings);

// One line per message: an operator's error is the single line "... Import failed: <what and what to do>".
builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
builder.AddServiceDefaults();
builder.AddMigrationServices(commandLine);
builder.Services.AddHostedService<MigrationWorker>();

var host = builder.Build();
await host.RunAsync();

// A failed migration or import must not look like success to WaitForCompletion: the worker sets Environment.ExitCode.
return Environment.ExitCode;
