using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using SeLetters.Data;

namespace SeLetters.MigrationService;

/// <summary>Creates the letters database when it is missing and applies the pending EF Core migrations.</summary>
internal sealed partial class DatabaseMigrator(LettersDbContext db, IOptions<DatabaseMigratorOptions> options, ILogger<DatabaseMigrator> logger)
{
    // Any fixed 64-bit number; it only has to be the same for every copy of the migration service.
    private const long MigrationLockKey = 0x5345_4c45_5454_4552; // "SELETTER"

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await EnsureDatabaseExistsAsync(cancellationToken);

        // Two copies started at once must not both apply a migration. EF Core's own lock is held inside a transaction,
        // which the CREATE INDEX CONCURRENTLY migration cannot run in; a session-level advisory lock on a connection of
        // its own covers the whole run instead.
        await using var lockConnection = new NpgsqlConnection(db.Database.GetConnectionString());
        await lockConnection.OpenAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            acquire.Parameters.AddWithValue("key", MigrationLockKey);
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            LogUpToDate(logger);
            return;
        }

        LogApplying(logger, pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
        LogApplied(logger, pending.Count);
        // Closing the lock connection releases the advisory lock.
    }

    /// <summary>Waits for the server to accept connections, then creates the database if it does not exist yet.</summary>
    private async Task EnsureDatabaseExistsAsync(CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        var deadline = DateTime.UtcNow + options.Value.ConnectTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (!await creator.ExistsAsync(cancellationToken))
                {
                    await creator.CreateAsync(cancellationToken);
                }

                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                return; // another copy created it between our check and our CREATE DATABASE
            }
            catch (Exception exception) when (IsNotReachableYet(exception) && DateTime.UtcNow + delay < deadline)
            {
                LogWaiting(logger, attempt, exception.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private static bool IsNotReachableYet(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL does not accept connections yet (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database schema is up to date; no migration to apply")]
    private static partial void LogUpToDate(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s): {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} migration(s)")]
    private static partial void LogApplied(ILogger logger, int count);
}
