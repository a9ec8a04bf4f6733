using System.Reflection;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using SeLetters.Data.Migrations;

namespace SeLetters.MigrationService;

/// <summary>
/// Databases migrated before the migrations were squashed into <see cref="Baseline"/> (a developer's local server keeps
/// its data directory) have the baseline's schema exactly when they hold all the migrations it replaced: their history
/// then says so, in one transaction. A database that holds only some of them cannot be brought up to date from here.
/// </summary>
internal sealed partial class SquashedMigrationHistory(ILogger<SquashedMigrationHistory> logger)
{
    private static readonly string BaselineId = typeof(Baseline).GetCustomAttribute<MigrationAttribute>()!.Id;

    public async Task ReconcileAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = await AppliedAsync(connection, cancellationToken);
        if (applied.Count == 0 || applied.Contains(BaselineId))
        {
            return;
        }

        if (applied.Count < Baseline.ReplacedMigrations.Count)
        {
            var last = Baseline.ReplacedMigrations.Last(applied.Contains);
            throw new OperatorException(
                $"The database was migrated with {applied.Count} of the {Baseline.ReplacedMigrations.Count} migrations squashed into {BaselineId} " +
                $"(the last: {last}), so its schema is not the baseline's: drop it and migrate a new one, or first apply the rest with a build from before the squash (commit 19577db).");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var replace = new NpgsqlCommand("""
            WITH removed AS (DELETE FROM "__EFMigrationsHistory" WHERE migration_id = ANY(@replaced) RETURNING product_version)
            INSERT INTO "__EFMigrationsHistory" (migration_id, product_version) SELECT @baseline, max(product_version) FROM removed
            """, connection, transaction);
        replace.Parameters.AddWithValue("replaced", Baseline.ReplacedMigrations.ToArray());
        replace.Parameters.AddWithValue("baseline", BaselineId);
        await replace.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogRecorded(logger, Baseline.ReplacedMigrations.Count, BaselineId);
    }

    /// <summary>Which of the replaced migrations and the baseline the history holds; none when there is no history yet.</summary>
    private static async Task<List<string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new List<string>();
        await using var exists = new NpgsqlCommand("""SELECT to_regclass('"__EFMigrationsHistory"') IS NOT NULL""", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return applied;
        }

        await using var read = new NpgsqlCommand(
            """SELECT migration_id FROM "__EFMigrationsHistory" WHERE migration_id = ANY(@replaced) OR migration_id = @baseline""", connection);
        read.Parameters.AddWithValue("replaced", Baseline.ReplacedMigrations.ToArray());
        read.Parameters.AddWithValue("baseline", BaselineId);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetString(0));
        }

        return applied;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "The database holds the {Count} migrations squashed into {Baseline}, so it has its schema: recorded {Baseline} as applied in their place")]
    private static partial void LogRecorded(ILogger logger, int count, string baseline);
}
