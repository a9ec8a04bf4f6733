using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SeLetters.Data.Entities;
using SeLetters.MigrationService;
using SeLetters.MigrationService.Backup;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Operations;

/// <remarks>Alone: a restore provisions the API's role, a row of the server's that other tests' setups alter too.</remarks>
[Collection(AloneCollection.Name)]
public sealed class BackupRestoreTests(PostgresServerFixture postgres) : IDisposable
{
    private readonly TempFolder _backups = new("backups");

    [Fact]
    public async Task Backup_then_restore_into_a_new_database_gives_identical_checksums()
    {
        var live = await CreatePopulatedDatabaseAsync();
        var backup = Backup(live);

        var result = await backup.BackupAsync(_backups.Path, CancellationToken.None);
        var restored = await backup.RestoreAsync(result.DumpPath, database: null, force: false, CancellationToken.None);

        Assert.True(File.Exists(result.DumpPath));
        Assert.True(File.Exists(result.ManifestPath));
        Assert.Empty(Directory.GetFiles(_backups.Path, "*.partial"));
        Assert.Equal(3, result.Manifest.Tables.Single(table => table.Table == "letters").Rows);
        Assert.Equal(await ChecksumsAsync(live), result.Manifest.Tables);
        Assert.Equal(await ChecksumsAsync(live), await ChecksumsAsync(postgres.ConnectionStringFor(restored)));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("corrupted")]
    public async Task A_damaged_dump_is_refused_and_leaves_no_database_behind(string damage)
    {
        var live = await CreatePopulatedDatabaseAsync();
        var backup = Backup(live);
        var result = await backup.BackupAsync(_backups.Path, CancellationToken.None);
        var bytes = await File.ReadAllBytesAsync(result.DumpPath);
        if (damage == "truncated")
        {
            bytes = bytes[..(bytes.Length * 2 / 3)];
        }
        else
        {
            Array.Fill(bytes, (byte)0x5A, bytes.Length / 2, 64);
        }

        await File.WriteAllBytesAsync(result.DumpPath, bytes);
        var databasesBefore = await DatabaseNamesAsync();

        var error = await Assert.ThrowsAsync<OperatorException>(() => backup.RestoreAsync(result.DumpPath, "damaged_restore", force: false, CancellationToken.None));

        Assert.Contains(result.DumpPath, error.Message);
        Assert.Equal(databasesBefore, await DatabaseNamesAsync());
    }

    [Fact]
    public async Task An_existing_database_is_replaced_only_with_force()
    {
        var live = await CreatePopulatedDatabaseAsync();
        var backup = Backup(live);
        var result = await backup.BackupAsync(_backups.Path, CancellationToken.None);
        var existing = await postgres.CreateMigratedDatabaseAsync();
        var existingName = new NpgsqlConnectionStringBuilder(existing).Database!;

        var refused = await Assert.ThrowsAsync<OperatorException>(() => backup.RestoreAsync(result.DumpPath, existingName, force: false, CancellationToken.None));
        Assert.Contains("--force", refused.Message);
        Assert.Equal(0, (await ChecksumsAsync(existing)).Single(table => table.Table == "letters").Rows);

        await backup.RestoreAsync(result.DumpPath, existingName, force: true, CancellationToken.None);
        Assert.Equal(await ChecksumsAsync(live), await ChecksumsAsync(existing));
        Assert.DoesNotContain(await DatabaseNamesAsync(), name => name.StartsWith(existingName + "_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_forced_restore_whose_swap_fails_leaves_the_existing_database_as_it_was()
    {
        var backup = Backup(await CreatePopulatedDatabaseAsync());
        var result = await backup.BackupAsync(_backups.Path, CancellationToken.None);
        var existing = await postgres.CreateMigratedDatabaseAsync();
        var existingName = new NpgsqlConnectionStringBuilder(existing).Database!;
        await Target.ExecuteAsync(existing, "INSERT INTO letters (document_name, source_file_path) VALUES ('kept.pdf', '/kept.pdf')");

        // A session on the restored copy, opened as soon as the copy exists, keeps it from taking the existing one's name.
        using var restoreDone = new CancellationTokenSource();
        var holder = HoldOpenAsync(postgres.ConnectionStringFor($"{existingName}_restoring_{Environment.ProcessId}"), restoreDone.Token);
        var error = await Assert.ThrowsAsync<OperatorException>(() => backup.RestoreAsync(result.DumpPath, existingName, force: true, CancellationToken.None));
        await restoreDone.CancelAsync();
        Assert.True(await holder, "The test never got a session on the restored copy.");

        Assert.Contains(existingName, error.Message);
        Assert.Equal(["kept.pdf"], await DocumentNamesAsync(existing));
        Assert.DoesNotContain(await DatabaseNamesAsync(), name => name.StartsWith(existingName + "_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restored_database_grants_the_api_role_what_this_version_decides_not_what_the_dump_says()
    {
        var live = await CreatePopulatedDatabaseAsync();
        await Target.ExecuteAsync(live, $"GRANT SELECT, INSERT ON import_runs TO {TestApiRole.Name}; GRANT CREATE ON SCHEMA public TO {TestApiRole.Name}");
        var backup = Backup(live);
        var result = await backup.BackupAsync(_backups.Path, CancellationToken.None);

        var restored = TestApiRole.ConnectionStringFor(postgres.ConnectionStringFor(await backup.RestoreAsync(result.DumpPath, null, false, CancellationToken.None)));

        Assert.Equal(3L, await Target.CountAsync(restored, "letters"));
        foreach (var forbidden in new[] { "SELECT count(*) FROM import_runs", "CREATE TABLE intruder (id int)" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => Target.ExecuteAsync(restored, forbidden));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task A_missing_manifest_is_a_clear_error()
    {
        var live = await CreatePopulatedDatabaseAsync();
        var backup = Backup(live);
        var result = await backup.BackupAsync(_backups.Path, CancellationToken.None);
        File.Delete(result.ManifestPath);

        var error = await Assert.ThrowsAsync<OperatorException>(() => backup.RestoreAsync(result.DumpPath, null, false, CancellationToken.None));

        Assert.Contains("manifest", error.Message);
    }

    private static DatabaseBackup Backup(string connectionString) =>
        new(new NpgsqlConnectionStringBuilder(connectionString), TestApiRole.Provisioner(TestApiRole.Name, TestApiRole.Password), NullLogger<DatabaseBackup>.Instance);

    private async Task<string> CreatePopulatedDatabaseAsync()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        await using var db = PostgresServerFixture.CreateContext(connectionString);
        for (var i = 1; i <= 3; i++)
        {
            var letter = new Letter
            {
                DocumentName = $"PSIBS obsolescence {i}.pdf",
                SourceFilePath = $"/letters/{i}.pdf",
                ExtractionConfidence = 0.95f,
                RawGrokJson = """{"document_type": "obsolescence", "title": "Fin de commercialisation – Sepam"}""",
                Products = [new LetterProduct { ProductIdentifier = $"LC1D0{i}M7", RangeLabel = "TeSys D" }],
                ProcessingDebug = [new ProcessingDebugStep { ProcessingStep = "ocr", StepDurationMs = float.NaN }],
            };
            db.Letters.Add(letter);
            await db.SaveChangesAsync();
            db.LetterProductMatches.Add(new LetterProductMatch
            {
                LetterId = letter.Id, LetterProductId = letter.Products[0].Id, IbcatalogueProductIdentifier = $"LC1D0{i}M7", MatchConfidence = 0.9f,
            });
        }

        await db.SaveChangesAsync();
        return connectionString;
    }

    private static async Task<IReadOnlyList<TableChecksum>> ChecksumsAsync(string connectionString)
    {
        // Unpooled: a forced restore drops the database under any pooled connection.
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        return await TableChecksums.ReadAsync(connection, transaction, CancellationToken.None);
    }

    /// <summary>Connects as soon as the database exists and stays until <paramref name="done"/>; whether it got in.</summary>
    private static async Task<bool> HoldOpenAsync(string connectionString, CancellationToken done)
    {
        while (!done.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
                await connection.OpenAsync(done);
                await Task.Delay(Timeout.Infinite, done).ContinueWith(_ => { }, TaskScheduler.Default);
                return true;
            }
            catch (PostgresException missing) when (missing.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                await Task.Delay(20, CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return false;
    }

    private static Task<List<string>> DocumentNamesAsync(string connectionString) =>
        TextsAsync(connectionString + ";Pooling=false", "SELECT document_name FROM letters ORDER BY id");

    private Task<List<string>> DatabaseNamesAsync() => TextsAsync(postgres.ServerConnectionString, "SELECT datname FROM pg_database ORDER BY datname");

    private static async Task<List<string>> TextsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var texts = new List<string>();
        while (await reader.ReadAsync())
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }

    public void Dispose() => _backups.Dispose();
}
