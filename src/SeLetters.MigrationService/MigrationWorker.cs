using System.Diagnostics;
using SeLetters.MigrationService.Import;

namespace SeLetters.MigrationService;

/// <summary>
/// One-shot: migrates the database and imports/verifies letters.duckdb as the command line says, then stops the host
/// with exit code 0; 1 with the error in the log; 3 when the verification found differences.
/// </summary>
internal sealed partial class MigrationWorker(
    CommandLine commandLine, IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<MigrationWorker> logger)
    : BackgroundService
{
    public const string ActivitySourceName = "SeLetters.MigrationService";

    private static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = ActivitySource.StartActivity("Migrating database", ActivityKind.Client);
        try
        {
            Environment.ExitCode = await RunAsync(services, commandLine, logger, stoppingToken);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    /// <summary>Runs the command line's command; returns its exit code, with the error (one line for an operator's) logged.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, CommandLine commandLine, ILogger logger, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            return commandLine.Command is ServiceCommand.Backup or ServiceCommand.Restore or ServiceCommand.ExportDuckDb
                ? await scope.ServiceProvider.GetRequiredService<OperationsRunner>().RunAsync(stoppingToken)
                : await scope.ServiceProvider.GetRequiredService<ImportRunner>().RunAsync(stoppingToken);
        }
        catch (OperatorException exception)
        {
            // The operator's error: one clear line, no stack trace.
            Activity.Current?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogOperatorError(logger, Verb(commandLine.Command), exception.Message);
            return 1;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Activity.Current?.AddException(exception);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogFailed(logger, exception);
            // A BackgroundService that throws still ends the host with exit code 0; dependants must not start.
            return 1;
        }
    }

    private static string Verb(ServiceCommand command) => command switch
    {
        ServiceCommand.Default or ServiceCommand.Import => "Import",
        ServiceCommand.ExportDuckDb => "Export",
        _ => command.ToString(),
    };

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Verb} failed: {Reason}")]
    private static partial void LogOperatorError(ILogger logger, string verb, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Migrating the letters database failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
