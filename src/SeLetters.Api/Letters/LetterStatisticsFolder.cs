using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SeLetters.Api.Security;
using SeLetters.Data;

namespace SeLetters.Api.Letters;

/// <summary>
/// Keeps the statistics read small: every <see cref="ApiOptions.StatisticsFoldInterval"/> it folds the change rows the
/// writes left behind into the per-bucket totals. Reads are exact whether or not it has run; with several API
/// instances, one folds at a time and the others skip their turn.
/// </summary>
internal sealed partial class LetterStatisticsFolder(
    IServiceScopeFactory scopes, IOptions<ApiOptions> options, ILogger<LetterStatisticsFolder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatisticsFoldInterval);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LettersDbContext>();
                await db.Database.SqlQuery<long>($"SELECT fold_letter_statistics() AS \"Value\"").SingleAsync(stoppingToken);
                failing = false;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database may be down for a while: say so once, not every tick.
                if (!failing)
                {
                    LogFoldFailed(logger, exception.Message);
                    failing = true;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folding the letter statistics failed (reads stay exact, only slower until it works again): {Reason}")]
    private static partial void LogFoldFailed(ILogger logger, string reason);
}
