using System.Globalization;
using Npgsql;
using SeLetters.Data;
using SeLetters.MigrationService.Privileges;

namespace SeLetters.MigrationService.Backup;

/// <summary>
/// Backups of the letters database that can be trusted: a pg_dump (custom format) and a manifest of row counts and
/// checksums taken in the same snapshot; restores that are verified against that manifest before they count.
/// Files are written under a temporary name and renamed when complete; a restore goes into a scratch database that is
/// renamed only once verified, so a failure never leaves anything half-written behind.
/// </summary>
internal sealed partial class DatabaseBackup(NpgsqlConnectionStringBuilder target, ApiRoleProvisioner apiRole, ILogger<DatabaseBackup> logger)
{
    public sealed record BackupResult(string DumpPath, string ManifestPath, BackupManifest Manifest);

    public async Task<BackupResult> BackupAsync(string outputDirectory, CancellationToken cancellationToken)
    {
        var database = target.Database ?? throw new OperatorException("The connection string names no database.");
        Directory.CreateDirectory(outputDirectory);

        await using var connection = await OpenAsync(target, cancellationToken);
        var tools = PostgresClientTools.ForServer(connection.PostgreSqlVersion.Major);
        await EnsureDiskSpaceAsync(connection, outputDirectory, cancellationToken);

        // The manifest and pg_dump see the same snapshot: the one this transaction exports, valid while it is open.
        await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var snapshotId = await ScalarAsync<string>(connection, snapshot, "SELECT pg_export_snapshot()", cancellationToken);
        var checksums = await TableChecksums.ReadAsync(connection, snapshot, cancellationToken);

        var createdAt = DateTime.UtcNow;
        var name = $"{database}-{createdAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
        var dumpPath = Path.Combine(Path.GetFullPath(outputDirectory), name + ".dump");
        var manifestPath = BackupManifest.PathFor(dumpPath);
        var partialDump = dumpPath + ".partial";
        var partialManifest = manifestPath + ".partial";
        try
        {
            var dump = await tools.RunAsync("pg_dump", target, Path.GetDirectoryName(dumpPath)!,
                ["--format=custom", $"--snapshot={snapshotId}", "--no-password", $"--file={partialDump}"], cancellationToken);
            if (dump.ExitCode != 0)
            {
                throw new OperatorException($"pg_dump failed: {OperatorException.FirstLine(dump.Error)}");
            }

            await snapshot.CommitAsync(cancellationToken);
            await EnsureReadableAsync(tools, partialDump, cancellationToken);

            var manifest = new BackupManifest(database, connection.PostgreSqlVersion.ToString(), createdAt,
                Path.GetFileName(dumpPath), new FileInfo(partialDump).Length, checksums);
            await manifest.WriteAsync(partialManifest, cancellationToken);
            File.Move(partialDump, dumpPath);
            File.Move(partialManifest, manifestPath);

            LogBackedUp(logger, dumpPath, manifest.DumpBytes, checksums.Sum(table => table.Rows));
            return new BackupResult(dumpPath, manifestPath, manifest);
        }
        finally
        {
            File.Delete(partialDump);
            File.Delete(partialManifest);
        }
    }

    /// <summary>
    /// Restores <paramref name="dumpPath"/> into <paramref name="database"/> (default: a new database named after the
    /// dump) and checks every table against the manifest. An existing database is replaced only with
    /// <paramref name="force"/>, and only after the restored copy has been verified (<see cref="ReplaceAsync"/>).
    /// </summary>
    public async Task<string> RestoreAsync(string dumpPath, string? database, bool force, CancellationToken cancellationToken)
    {
        dumpPath = Path.GetFullPath(dumpPath);
        if (!File.Exists(dumpPath))
        {
            throw new OperatorException($"The backup file {dumpPath} does not exist.");
        }

        var manifest = await BackupManifest.ReadAsync(dumpPath, cancellationToken);
        var targetDatabase = database ?? $"{manifest.Database}_restored_{DateTime.UtcNow:yyyyMMddHHmmss}";

        await using var maintenance = await OpenAsync(new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres" }, cancellationToken);
        var tools = PostgresClientTools.ForServer(maintenance.PostgreSqlVersion.Major);
        await EnsureReadableAsync(tools, dumpPath, cancellationToken);

        var exists = await DatabaseOidAsync(maintenance, targetDatabase, cancellationToken) is not null;
        if (exists && !force)
        {
            throw new OperatorException(
                $"The database {targetDatabase} exists; restore into a new one (omit --database, or name another), or pass --force to replace it.");
        }

        var scratch = $"{targetDatabase}_restoring_{Environment.ProcessId}";
        await ExecuteAsync(maintenance, $"CREATE DATABASE {SqlIdentifier.Quote(scratch)}", cancellationToken);
        try
        {
            // The privileges are not restored but granted as on every start of the migration service: a dump names the
            // roles of the server it came from, and what the API's role holds is decided by this version's code.
            var restore = await tools.RunAsync("pg_restore", ConnectionTo(scratch), Path.GetDirectoryName(dumpPath)!,
                ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password", $"--dbname={scratch}", dumpPath], cancellationToken);
            if (restore.ExitCode != 0)
            {
                throw new OperatorException($"pg_restore refused {dumpPath} (corrupted or truncated?): {OperatorException.FirstLine(restore.Error)}");
            }

            await using (var restored = await OpenAsync(ConnectionTo(scratch), cancellationToken))
            {
                await apiRole.EnsureAsync(restored, cancellationToken);
            }

            await VerifyAsync(ConnectionTo(scratch), manifest, cancellationToken);
            if (exists)
            {
                await ReplaceAsync(maintenance, targetDatabase, scratch, cancellationToken);
            }
            else
            {
                await RenameAsync(maintenance, scratch, targetDatabase, cancellationToken);
            }

            LogRestored(logger, dumpPath, targetDatabase, manifest.Tables.Count);
            return targetDatabase;
        }
        finally
        {
            await ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(scratch)} WITH (FORCE)", CancellationToken.None);
        }
    }

    /// <summary>
    /// Puts the verified <paramref name="restored"/> database in the place of <paramref name="existing"/>: the existing
    /// one is renamed aside first (new connections refused, current ones ended), then the restored one takes its name;
    /// only once the database under that name is the one verified (its oid: a rename moves no data, and the clients
    /// that reconnect may already be writing to it) is the old one dropped. A step that fails puts the old database
    /// back under its name, so a failed swap leaves the database as it was.
    /// </summary>
    private async Task ReplaceAsync(NpgsqlConnection maintenance, string existing, string restored, CancellationToken cancellationToken)
    {
        var verified = await DatabaseOidAsync(maintenance, restored, cancellationToken);
        var aside = $"{existing}_replaced_{Environment.ProcessId}";
        await ExecuteAsync(maintenance, $"ALTER DATABASE {SqlIdentifier.Quote(existing)} WITH ALLOW_CONNECTIONS false", cancellationToken);
        try
        {
            await DisconnectAsync(maintenance, existing, cancellationToken);
            await RenameAsync(maintenance, existing, aside, cancellationToken);
        }
        catch
        {
            await ExecuteAsync(maintenance, $"ALTER DATABASE {SqlIdentifier.Quote(existing)} WITH ALLOW_CONNECTIONS true", CancellationToken.None);
            throw;
        }

        try
        {
            await RenameAsync(maintenance, restored, existing, cancellationToken);
            if (await DatabaseOidAsync(maintenance, existing, CancellationToken.None) != verified)
            {
                throw new OperatorException($"The database now named {existing} is not the restored one that was verified.");
            }
        }
        catch
        {
            if (await DatabaseOidAsync(maintenance, existing, CancellationToken.None) == verified)
            {
                await RenameAsync(maintenance, existing, restored, CancellationToken.None);
            }

            await RenameAsync(maintenance, aside, existing, CancellationToken.None);
            await ExecuteAsync(maintenance, $"ALTER DATABASE {SqlIdentifier.Quote(existing)} WITH ALLOW_CONNECTIONS true", CancellationToken.None);
            throw;
        }

        try
        {
            await ExecuteAsync(maintenance, $"DROP DATABASE {SqlIdentifier.Quote(aside)} WITH (FORCE)", CancellationToken.None);
        }
        catch (PostgresException exception)
        {
            // The restore itself succeeded; the old copy only takes space until someone drops it.
            LogOldDatabaseKept(logger, aside, exception.MessageText);
        }
    }

    private static async Task<uint?> DatabaseOidAsync(NpgsqlConnection maintenance, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT oid FROM pg_database WHERE datname = @name", maintenance);
        command.Parameters.AddWithValue("name", name);
        return (uint?)await command.ExecuteScalarAsync(cancellationToken);
    }

    private NpgsqlConnectionStringBuilder ConnectionTo(string database) =>
        new(target.ConnectionString) { Database = database, Pooling = false };

    private static async Task DisconnectAsync(NpgsqlConnection maintenance, string database, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", maintenance);
        command.Parameters.AddWithValue("name", database);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task RenameAsync(NpgsqlConnection maintenance, string from, string to, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(maintenance, $"ALTER DATABASE {SqlIdentifier.Quote(from)} RENAME TO {SqlIdentifier.Quote(to)}", cancellationToken);
        }
        catch (PostgresException exception)
        {
            throw new OperatorException($"Renaming the database {from} to {to} failed: {exception.MessageText}", exception);
        }
    }

    private static async Task VerifyAsync(NpgsqlConnectionStringBuilder restored, BackupManifest manifest, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(restored, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var actual = (await TableChecksums.ReadAsync(connection, transaction, cancellationToken)).ToDictionary(table => table.Table);
        var mismatches = manifest.Tables
            .Where(expected => !actual.TryGetValue(expected.Table, out var found) || found != expected)
            .Select(expected => actual.TryGetValue(expected.Table, out var found)
                ? $"{expected.Table}: {found.Rows} rows, checksum {found.Checksum}; the manifest says {expected.Rows} rows, checksum {expected.Checksum}"
                : $"{expected.Table}: missing")
            .ToList();
        if (mismatches.Count > 0)
        {
            throw new OperatorException($"The restored data does not match the manifest: {string.Join("; ", mismatches)}");
        }
    }

    private static async Task EnsureReadableAsync(PostgresClientTools tools, string dumpPath, CancellationToken cancellationToken)
    {
        var list = await tools.RunAsync("pg_restore", new NpgsqlConnectionStringBuilder(), Path.GetDirectoryName(dumpPath)!, ["--list", dumpPath], cancellationToken);
        if (list.ExitCode != 0 || !list.Output.Contains("TABLE DATA", StringComparison.Ordinal))
        {
            throw new OperatorException($"{dumpPath} is not a readable pg_dump archive: {OperatorException.FirstLine(list.Error)}");
        }
    }

    private static async Task EnsureDiskSpaceAsync(NpgsqlConnection connection, string outputDirectory, CancellationToken cancellationToken)
    {
        // The custom format compresses, so the database's size is a safe upper bound for the dump.
        var databaseBytes = await ScalarAsync<long>(connection, null, "SELECT pg_database_size(current_database())", cancellationToken);
        var freeBytes = new DriveInfo(Path.GetFullPath(outputDirectory)).AvailableFreeSpace;
        if (freeBytes < databaseBytes)
        {
            throw new OperatorException(
                $"Not enough disk space in {outputDirectory}: {freeBytes / 1_048_576} MiB free, the database takes {databaseBytes / 1_048_576} MiB.");
        }
    }

    /// <summary>Opens a connection, or says in one line which server could not be reached.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (NpgsqlException exception)
        {
            await connection.DisposeAsync();
            throw new OperatorException(
                $"Cannot reach PostgreSQL at {connectionString.Host}:{connectionString.Port} (database {connectionString.Database}): {exception.Message}", exception);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        // CREATE, DROP and RENAME DATABASE write whole directories; on a busy disk that took longer than the default 30 s
        // (seen in a test while another server loaded the disk), and cancelling half-way helps nobody. Ctrl+C still does.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup written to {DumpPath} ({Bytes} bytes, {Rows} rows), with its manifest")]
    private static partial void LogBackedUp(ILogger logger, string dumpPath, long bytes, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The replaced database was kept as {Database}: dropping it failed ({Reason}); drop it once nothing uses it")]
    private static partial void LogOldDatabaseKept(ILogger logger, string database, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {DumpPath} into the database {Database}; all {Tables} tables match the manifest")]
    private static partial void LogRestored(ILogger logger, string dumpPath, string database, int tables);
}
