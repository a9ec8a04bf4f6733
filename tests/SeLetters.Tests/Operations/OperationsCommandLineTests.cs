using SeLetters.Tests.Import;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Operations;

/// <summary>backup and restore as the operator runs them: the migration service's verbs, their exit codes and messages.</summary>
public sealed class OperationsCommandLineTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Backup_then_restore_from_the_command_line()
    {
        using var folder = new TempFolder();
        var database = await postgres.CreateMigratedDatabaseAsync();
        await Target.ExecuteAsync(database, "INSERT INTO letters (document_name, source_file_path) VALUES ('a.pdf', '/a.pdf')");

        var backup = await MigrationServiceProcess.RunAsync(database, null, "backup", "--output", folder.Path);
        Assert.True(backup.ExitCode == 0, backup.Output);
        var dump = Assert.Single(Directory.GetFiles(folder.Path, "*.dump"));
        Assert.Single(Directory.GetFiles(folder.Path, "*.manifest.json"));

        var restoredName = postgres.NewDatabaseName();
        var restore = await MigrationServiceProcess.RunAsync(database, null, "restore", "--input", dump, "--database", restoredName);
        Assert.True(restore.ExitCode == 0, restore.Output);
        Assert.Contains("match the manifest", restore.Output);
        Assert.Equal(1, await Target.CountAsync(postgres.ConnectionStringFor(restoredName), "letters"));
    }

    [Fact]
    public async Task A_missing_backup_file_is_one_line_and_exit_code_1()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();

        var restore = await MigrationServiceProcess.RunAsync(database, null, "restore", "--input", "/nonexistent/se_letters.dump");

        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("Restore failed: The backup file /nonexistent/se_letters.dump does not exist.", restore.Output);
        Assert.DoesNotContain("   at ", restore.Output);
    }

    [Theory]
    [InlineData("'backup' needs --output", "backup")]
    [InlineData("'restore' needs --input", "restore", "--force")]
    [InlineData("unknown option '--source' for 'export-duckdb'", "export-duckdb", "--source", "x")]
    public async Task A_wrong_command_line_is_exit_code_2(string message, params string[] arguments)
    {
        var run = await MigrationServiceProcess.RunAsync("Host=unused", null, arguments);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Output);
    }

    [Fact]
    public async Task An_unreachable_server_is_one_line()
    {
        using var folder = new TempFolder();

        var backup = await MigrationServiceProcess.RunAsync("Host=127.0.0.1;Port=1;Username=postgres;Database=se_letters", null, "backup", "--output", folder.Path);

        Assert.Equal(1, backup.ExitCode);
        Assert.Contains("Backup failed: Cannot reach PostgreSQL at 127.0.0.1:1", backup.Output);
    }
}
