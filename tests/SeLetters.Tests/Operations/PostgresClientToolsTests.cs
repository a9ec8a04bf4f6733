using System.Diagnostics;
using Npgsql;
using SeLetters.MigrationService.Backup;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Operations;

/// <summary>Which pg_dump runs: the installed one of the server's version, else the one in the server's own image.</summary>
public sealed class PostgresClientToolsTests
{
    [Fact]
    public void Installed_tools_run_from_their_folder()
    {
        var tools = new PostgresClientTools(15, "/usr/lib/postgresql/15/bin");

        Assert.Equal(["/usr/lib/postgresql/15/bin/pg_dump", "--format=custom"], tools.CommandLine("pg_dump", "/backups", ["--format=custom"], "unused"));
    }

    [Fact]
    public void Without_installed_tools_the_server_images_tools_run_with_the_folder_mounted_and_no_password_on_the_command_line()
    {
        var tools = new PostgresClientTools(18, binDirectory: null);

        var commandLine = tools.CommandLine("pg_restore", "/backups", ["--list", "/backups/se_letters.dump"], "seletters-pg_restore-1");

        Assert.Equal(["docker", "run", "--rm", "--network", "host"], commandLine.Take(5));
        Assert.Contains("docker.io/library/postgres:18", commandLine);
        // Named, so that a cancelled restore can remove the container as well as the client that started it.
        Assert.Equal(["--name", "seletters-pg_restore-1"], commandLine.Skip(5).Take(2));
        Assert.Contains("/backups:/backups", commandLine);
        Assert.Equal(["pg_restore", "--list", "/backups/se_letters.dump"], commandLine.TakeLast(3));
        // Variables are passed by name: docker copies their values from the environment, never from the command line.
        Assert.Contains("PGPASSWORD", commandLine);
        Assert.DoesNotContain(commandLine, argument => argument.StartsWith("PGPASSWORD=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelled_a_tool_is_killed_with_every_process_it_started()
    {
        using var folder = new TempFolder("tools");
        var started = folder.File("started");
        // A pg_dump that starts a child and waits for it, as a tool that is busy does.
        await File.WriteAllTextAsync(folder.File("pg_dump"), $"#!/bin/sh\nsleep 120 &\necho $$ $! > {started}.tmp\nmv {started}.tmp {started}\nwait\n");
        await BuiltProgram.RunToolAsync("chmod", "+x", folder.File("pg_dump"));
        var tools = new PostgresClientTools(15, folder.Path);
        using var cancellation = new CancellationTokenSource();

        var run = tools.RunAsync("pg_dump", new NpgsqlConnectionStringBuilder(), folder.Path, [], cancellation.Token);
        var waited = Stopwatch.StartNew();
        while (!File.Exists(started))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30) && !run.IsCompleted, "The tool did not start.");
            await Task.Delay(20);
        }

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var processes = (await File.ReadAllTextAsync(started)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
        Assert.Equal(2, processes.Count);
        waited.Restart();
        while (processes.Any(Runs) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50); // a killed orphan is reaped by init
        }

        Assert.DoesNotContain(processes, Runs);
    }

    /// <summary>Whether the process exists and is not a zombie waiting to be reaped.</summary>
    private static bool Runs(int pid)
    {
        try
        {
            var status = File.ReadAllText($"/proc/{pid}/stat");
            return status[(status.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
