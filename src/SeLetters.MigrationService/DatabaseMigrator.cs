using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using SeLetters.Data;
using SeLetters.MigrationService.Privileges;

namespace SeLetters.MigrationService;

/// <summary>Creates the letters database when it is missing and applies the pending EF Core migrations.</summary>
internal sealed partial class DatabaseMigrator(
    LettersDbContext db,
    SquashedMigrationHistory squashedHistory,
    ApiRoleProvisioner apiRole,
    IOptions<DatabaseMigratorOptions> options,
    ILogger<DatabaseMigrator> logger)
{
    // Any fixed 64-bit number; it only has to be the same for every copy of the migration service.
    private const long MigrationLockKey = 0x5345_4c45_5454_4552; // "SELETTER"

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await EnsureDatabaseExistsAsync(cancellationToken);

        // Two copies started at once must not both apply a migration. EF Core's own lock is held inside a transaction,
        // which a migration running CREATE INDEX CONCURRENTLY cannot run in; a session-level advisory lock on a connection of
        // its own covers the whole run instead.
        await using var lockConnection = new NpgsqlConnection(db.Database.GetConnectionString());
        await lockConnection.OpenAsync(cancellationToken);
        await AcquireMigrationLockAsync(lockConnection, cancellationToken);
        await squashedHistory.ReconcileAsync(lockConnection, cancellationToken);

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            LogUpToDate(logger);
        }
        else
        {
            LogApplying(logger, pending.Count, string.Join(", ", pending));
            // On a populated database a migration may rebuild a table or an index for minutes; a command timeout would
            // only cancel it half-way. Stopping the service (Ctrl+C) still cancels it.
            db.Database.SetCommandTimeout(TimeSpan.Zero);
            await db.Database.MigrateAsync(cancellationToken);
            LogApplied(logger, pending.Count);
        }

        // After the migrations, so the grants cover every table; still under the lock, so two copies do not race.
        await apiRole.EnsureAsync(lockConnection, cancellationToken);
        // Closing the lock connection releases the advisory lock.
    }

    /// <summary>
    /// Polls instead of blocking in pg_advisory_lock: a session waiting inside a statement holds a snapshot, and the
    /// other copy's CREATE INDEX CONCURRENTLY would wait for it to end, while it waits for that copy's lock: a deadlock.
    /// </summary>
    private async Task AcquireMigrationLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        tryLock.Parameters.AddWithValue("key", MigrationLockKey);
        var waiting = false;
        while (!(bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
        {
            if (!waiting)
            {
                LogWaitingForLock(logger);
                waiting = true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    /// <summary>Waits for the server to accept connections, then creates the database if it does not exist yet.</summary>
    private async Task EnsureDatabaseExistsAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var databaseName = target.Database ?? throw new InvalidOperationException("The lettersdb connection string names no database.");
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };

        var deadline = DateTime.UtcNow + options.Value.ConnectTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", connection);
                exists.Parameters.AddWithValue("name", databaseName);
                if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
                {
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdentifier.Quote(databaseName)}", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                    LogCreatedDatabase(logger, databaseName);
                }

                return;
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Another copy of the migration service is migrating; waiting for it to finish")]
    private static partial void LogWaitingForLock(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the database {Database}")]
    private static partial void LogCreatedDatabase(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL does not accept connections yet (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database schema is up to date; no migration to apply")]
    private static partial void LogUpToDate(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s): {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} migration(s)")]
    private static partial void LogApplied(ILogger logger, int count);
}
