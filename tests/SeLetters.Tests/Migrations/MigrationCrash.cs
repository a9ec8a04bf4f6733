using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using SeLetters.Tests.Infrastructure;
using SeLetters.Tests.Schema;

namespace SeLetters.Tests.Migrations;

/// <summary>
/// Where a crash can leave a migration, and whether the next run finishes it. EF Core runs a migration's commands in one
/// transaction with its history row unless a command suppresses the transaction: then it commits what came before,
/// runs that command on its own, begins a new transaction for the transactional commands after it, and writes the
/// history row outside any transaction, last. A crash can therefore stop a migration after each of those commits,
/// with its history row unwritten, and in the middle of a CREATE INDEX CONCURRENTLY, which leaves an invalid index.
/// </summary>
internal sealed partial class MigrationCrash(PostgresServerFixture postgres, Func<string, DbContext> contextFor)
{
    /// <param name="Done">How many of the migration's commands EF Core ran (and committed) before the crash.</param>
    /// <param name="InNextCommand">The crash came while the next command, a CREATE INDEX CONCURRENTLY, was waiting to finish.</param>
    public sealed record KillPoint(string Migration, string? Previous, int Done, bool InNextCommand)
    {
        public override string ToString() =>
            $"{Migration} killed {(InNextCommand ? "during" : "after")} command {(InNextCommand ? Done + 1 : Done)}";
    }

    /// <summary>Every point a crash can leave each migration at, with something committed and its history row missing.</summary>
    public IReadOnlyList<KillPoint> KillPoints()
    {
        using var context = contextFor(postgres.ConnectionStringFor("unused"));
        var points = new List<KillPoint>();
        string? previous = null;
        foreach (var migration in context.GetService<IMigrationsAssembly>().Migrations.Keys)
        {
            var commands = UpCommands(context, migration);
            // The history row comes last, outside a transaction as soon as any command is: a commit precedes it then.
            bool CommitsBefore(int index) =>
                index == commands.Count ? commands.Any(c => c.TransactionSuppressed) : commands[index].TransactionSuppressed;
            for (var done = 1; done <= commands.Count; done++)
            {
                if (commands[done - 1].TransactionSuppressed || CommitsBefore(done))
                {
                    points.Add(new KillPoint(migration, previous, done, InNextCommand: false));
                }
            }

            points.AddRange(commands.Index()
                .Where(command => command.Item.TransactionSuppressed && ConcurrentIndexBuild().IsMatch(command.Item.CommandText))
                .Select(command => new KillPoint(migration, previous, command.Index, InNextCommand: true)));
            previous = migration;
        }

        return points;
    }

    /// <summary>
    /// Leaves a new database where the crash would have, runs the migrations again and describes how the result differs
    /// from <paramref name="fresh"/> (a database migrated without a crash); null when it does not.
    /// </summary>
    public async Task<string?> FailureOfNextRunAsync(KillPoint point, SchemaSnapshot fresh)
    {
        var database = await postgres.CreateEmptyDatabaseAsync();
        await using (var context = contextFor(database))
        {
            await context.GetService<IMigrator>().MigrateAsync(point.Previous ?? Migration.InitialDatabase);
            await CrashAsync(UpCommands(context, point.Migration), point, database);
        }

        try
        {
            await using var context = contextFor(database);
            await context.Database.MigrateAsync();
        }
        catch (Exception exception) when (exception is PostgresException or InvalidOperationException)
        {
            return $"{point}: the next run failed: {exception.Message}";
        }

        var differences = await fresh.DifferencesFromAsync(database);
        return differences.Count == 0 ? null : $"{point}: the next run left a schema unlike a fresh one:\n" + string.Join("\n", differences);
    }

    private static IReadOnlyList<MigrationCommand> UpCommands(DbContext context, string migrationId)
    {
        var assembly = context.GetService<IMigrationsAssembly>();
        var migration = assembly.CreateMigration(assembly.Migrations[migrationId], context.Database.ProviderName!);
        var model = migration.TargetModel is null ? null : context.GetService<IModelRuntimeInitializer>().Initialize(migration.TargetModel);
        return context.GetService<IMigrationsSqlGenerator>().Generate(migration.UpOperations, model);
    }

    /// <summary>Runs the commands before the kill point as EF Core does, then stops as a killed process would.</summary>
    private static async Task CrashAsync(IReadOnlyList<MigrationCommand> commands, KillPoint point, string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        NpgsqlTransaction? transaction = null;
        foreach (var command in commands.Take(point.Done))
        {
            if (command.TransactionSuppressed && transaction is not null)
            {
                await transaction.CommitAsync();
                transaction = null;
            }

            transaction ??= command.TransactionSuppressed ? null : await connection.BeginTransactionAsync();
            await using var sql = new NpgsqlCommand(command.CommandText, connection, transaction);
            await sql.ExecuteNonQueryAsync();
        }

        // A kill point is where EF Core has just committed.
        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }

        if (point.InNextCommand)
        {
            await KillWhileWaitingAsync(connection, commands[point.Done].CommandText, database);
        }
    }

    /// <summary>
    /// CREATE INDEX CONCURRENTLY commits the new index, invalid, before it waits for every older snapshot; a transaction
    /// held open meanwhile makes it wait, and terminating its session then leaves the invalid index behind, as a kill would.
    /// </summary>
    private static async Task KillWhileWaitingAsync(NpgsqlConnection connection, string createIndex, string database)
    {
        await using var snapshotHolder = new NpgsqlConnection(database);
        await snapshotHolder.OpenAsync();
        await using var snapshot = await snapshotHolder.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var read = new NpgsqlCommand("SELECT 1", snapshotHolder, snapshot))
        {
            await read.ExecuteScalarAsync();
        }

        var pid = connection.ProcessID;
        await using var build = new NpgsqlCommand(createIndex, connection);
        var running = build.ExecuteNonQueryAsync();
        await using var monitor = new NpgsqlConnection(database);
        await monitor.OpenAsync();
        await using var waiting = new NpgsqlCommand(
            "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = @pid AND wait_event = 'virtualxid')", monitor);
        waiting.Parameters.AddWithValue("pid", pid);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(bool)(await waiting.ExecuteScalarAsync())!)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The index build never waited for the open snapshot: {createIndex}");
            Assert.False(running.IsCompleted, $"The index build finished despite the open snapshot: {createIndex}");
            await Task.Delay(20);
        }

        await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", monitor))
        {
            terminate.Parameters.AddWithValue("pid", pid);
            await terminate.ExecuteScalarAsync();
        }

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => running);
        Assert.True(await Target.ScalarAsync<long>(database, "SELECT count(*) FROM pg_index WHERE NOT indisvalid") > 0,
            $"The killed index build left no invalid index: {createIndex}");
    }

    [GeneratedRegex(@"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b", RegexOptions.IgnoreCase)]
    private static partial Regex ConcurrentIndexBuild();
}
