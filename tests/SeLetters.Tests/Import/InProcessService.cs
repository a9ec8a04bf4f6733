using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SeLetters.MigrationService;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

/// <summary>
/// The migration service's commands run in this process, with the same services, configuration keys and exit codes
/// as the program (<see cref="MigrationWorker.RunAsync"/>), for the property tests that run them many times; the
/// process-level tests show the program itself behaves the same.
/// </summary>
internal static class InProcessService
{
    /// <summary>Runs one command line; returns its exit code and what it logged.</summary>
    public static async Task<(int ExitCode, string Log)> RunAsync(string database, params string[] arguments)
    {
        var (commandLine, error) = CommandLine.Parse(arguments);
        Assert.True(commandLine is not null, error);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(commandLine.Settings);
        builder.Configuration["ConnectionStrings:lettersdb"] = database;
        var log = new LoggedEntries(LogLevel.Information);
        builder.Logging.AddProvider(log).SetMinimumLevel(LogLevel.Information);
        builder.AddMigrationServices(commandLine);
        using var host = builder.Build();
        var exitCode = await MigrationWorker.RunAsync(host.Services, commandLine, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("test"), CancellationToken.None);
        return (exitCode, log.Text);
    }
}
