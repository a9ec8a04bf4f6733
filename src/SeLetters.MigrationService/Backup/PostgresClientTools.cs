using System.Diagnostics;
using Npgsql;

namespace SeLetters.MigrationService.Backup;

/// <summary>
/// pg_dump and pg_restore of the server's own major version: an older pg_dump refuses a newer server, and a newer one
/// writes archives an older pg_restore cannot read.
/// </summary>
internal sealed class PostgresClientTools(string binDirectory)
{
    public static PostgresClientTools ForServer(int majorVersion)
    {
        string[] candidates = [$"/usr/lib/postgresql/{majorVersion}/bin", $"/usr/pgsql-{majorVersion}/bin", $"/opt/homebrew/opt/postgresql@{majorVersion}/bin"];
        var binDirectory = candidates.FirstOrDefault(directory => File.Exists(Path.Combine(directory, "pg_dump")))
            ?? throw new OperatorException(
                $"No pg_dump for PostgreSQL {majorVersion} was found (looked in {string.Join(", ", candidates)}); "
                + $"install the client tools of that version (Debian/Ubuntu: apt-get install postgresql-client-{majorVersion}).");
        return new PostgresClientTools(binDirectory);
    }

    /// <summary>Runs pg_dump or pg_restore with the connection in environment variables, so no password is on a command line.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string tool, NpgsqlConnectionStringBuilder connection, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Path.Combine(binDirectory, tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = connection.Username;
        start.Environment["PGPASSWORD"] = connection.Password;
        start.Environment["PGDATABASE"] = connection.Database;
        start.Environment["PGCONNECT_TIMEOUT"] = "10";

        using var process = Process.Start(start) ?? throw new OperatorException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
