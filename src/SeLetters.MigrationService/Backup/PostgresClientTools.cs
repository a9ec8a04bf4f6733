using System.Diagnostics;
using Npgsql;

namespace SeLetters.MigrationService.Backup;

/// <summary>
/// pg_dump and pg_restore of the server's own major version: an older pg_dump refuses a newer server, and a newer one
/// writes archives an older pg_restore cannot read.
/// </summary>
internal sealed class PostgresClientTools(int majorVersion, string? binDirectory)
{
    private static readonly string[] ConnectionVariables = ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGCONNECT_TIMEOUT"];

    /// <summary>
    /// The installed client tools of the server's version; where there are none but a container runtime answers, the
    /// tools of the server's own image (<c>postgres:&lt;major&gt;</c>), run in a container on the host's network.
    /// </summary>
    public static PostgresClientTools ForServer(int majorVersion)
    {
        string[] candidates = [$"/usr/lib/postgresql/{majorVersion}/bin", $"/usr/pgsql-{majorVersion}/bin", $"/opt/homebrew/opt/postgresql@{majorVersion}/bin"];
        var binDirectory = candidates.FirstOrDefault(directory => File.Exists(Path.Combine(directory, "pg_dump")));
        if (binDirectory is null && !DockerAnswers())
        {
            throw new OperatorException(
                $"No pg_dump for PostgreSQL {majorVersion} was found (looked in {string.Join(", ", candidates)}) and no container runtime answers; "
                + $"install the client tools of that version (Debian/Ubuntu: apt-get install postgresql-client-{majorVersion}).");
        }

        return new PostgresClientTools(majorVersion, binDirectory);
    }

    /// <summary>The program and arguments that run <paramref name="tool"/> with access to <paramref name="folder"/>.</summary>
    /// <param name="container">The name of the container that runs it, where one does.</param>
    public IReadOnlyList<string> CommandLine(string tool, string folder, IEnumerable<string> arguments, string container) =>
        binDirectory is not null
            ? [Path.Combine(binDirectory, tool), .. arguments]
            : ["docker", "run", "--rm", "--network", "host", "--name", container, .. ConnectionVariables.SelectMany(variable => new[] { "-e", variable }),
               "-v", $"{folder}:{folder}", $"docker.io/library/postgres:{majorVersion}", tool, .. arguments];

    /// <summary>
    /// Runs pg_dump or pg_restore with the connection in environment variables, so no password is on a command line.
    /// Cancelled, it kills the tool with every process it started, and the container it runs in: an operator who gave
    /// up on a restore must not find it still writing, nor a dump still holding its snapshot.
    /// </summary>
    /// <param name="folder">The folder of the files the tool reads or writes.</param>
    public async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string tool, NpgsqlConnectionStringBuilder connection, string folder, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var container = $"seletters-{tool}-{Guid.NewGuid():N}";
        var commandLine = CommandLine(tool, folder, arguments, container);
        var start = new ProcessStartInfo(commandLine[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in commandLine.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = connection.Username;
        start.Environment["PGPASSWORD"] = connection.Password;
        start.Environment["PGDATABASE"] = connection.Database;
        start.Environment["PGCONNECT_TIMEOUT"] = "10";

        using var process = Process.Start(start) ?? throw new OperatorException($"Could not start {commandLine[0]}.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (binDirectory is null)
            {
                // Killing the docker client leaves its container running.
                RemoveContainer(container);
            }

            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    private static void RemoveContainer(string name)
    {
        using var remove = Process.Start(new ProcessStartInfo("docker", ["rm", "--force", name]) { RedirectStandardOutput = true, RedirectStandardError = true });
        remove?.WaitForExit(TimeSpan.FromSeconds(30));
    }

    private static bool DockerAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info") { RedirectStandardOutput = true, RedirectStandardError = true });
            return docker is not null && docker.WaitForExit(TimeSpan.FromSeconds(15)) && docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker CLI
        }
    }
}
