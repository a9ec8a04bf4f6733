using System.Diagnostics;

namespace SeLetters.MigrationService;

/// <summary>One-shot: migrates the database, then stops the host with exit code 0, or 1 with the error in the log.</summary>
internal sealed partial class MigrationWorker(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<MigrationWorker> logger)
    : BackgroundService
{
    public const string ActivitySourceName = "SeLetters.MigrationService";

    private static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = ActivitySource.StartActivity("Migrating database", ActivityKind.Client);
        try
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            activity?.AddException(exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogFailed(logger, exception);
            // A BackgroundService that throws still ends the host with exit code 0; dependants must not start.
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Migrating the letters database failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
