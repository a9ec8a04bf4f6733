using SeLetters.MigrationService.Backup;

namespace SeLetters.Tests.Operations;

/// <summary>Which pg_dump runs: the installed one of the server's version, else the one in the server's own image.</summary>
public sealed class PostgresClientToolsTests
{
    [Fact]
    public void Installed_tools_run_from_their_folder()
    {
        var tools = new PostgresClientTools(15, "/usr/lib/postgresql/15/bin");

        Assert.Equal(["/usr/lib/postgresql/15/bin/pg_dump", "--format=custom"], tools.CommandLine("pg_dump", "/backups", ["--format=custom"]));
    }

    [Fact]
    public void Without_installed_tools_the_server_images_tools_run_with_the_folder_mounted_and_no_password_on_the_command_line()
    {
        var tools = new PostgresClientTools(18, binDirectory: null);

        var commandLine = tools.CommandLine("pg_restore", "/backups", ["--list", "/backups/se_letters.dump"]);

        Assert.Equal(["docker", "run", "--rm", "--network", "host"], commandLine.Take(5));
        Assert.Contains("docker.io/library/postgres:18", commandLine);
        Assert.Contains("/backups:/backups", commandLine);
        Assert.Equal(["pg_restore", "--list", "/backups/se_letters.dump"], commandLine.TakeLast(3));
        // Variables are passed by name: docker copies their values from the environment, never from the command line.
        Assert.Contains("PGPASSWORD", commandLine);
        Assert.DoesNotContain(commandLine, argument => argument.StartsWith("PGPASSWORD=", StringComparison.Ordinal));
    }
}
