using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using SeLetters.Api.Letters;

namespace SeLetters.LoadBench;

/// <summary>The physical limit: pgbench running what a get-by-id reads, at the same concurrency, on the same machine.</summary>
internal static partial class PgBench
{
    /// <summary>
    /// What GET /api/letters/{id} reads, as it reads it: the API's own statements (this project compiles the API's
    /// LetterDocumentSql.cs), sent in one pipeline after the BEGIN of their snapshot as the API's Npgsql batch sends them,
    /// then the COMMIT, prepared as the API's connections prepare them (Max Auto Prepare; pgbench -M prepared).
    /// </summary>
    private static string GetByIdScript() =>
        string.Join("\n", [
            "\\set id random(1, :max_id)", "\\startpipeline", "BEGIN ISOLATION LEVEL REPEATABLE READ;",
            .. LetterDocumentSql.Statements.Select(sql => sql.Replace("$1", ":id", StringComparison.Ordinal) + ";"), "\\endpipeline", "COMMIT;", ""]);

    public static async Task<double> GetByIdThroughputAsync(string connectionString, int clients, TimeSpan duration)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var major = (int)await PostgresProbe.ScalarAsync<int>(connectionString, "SELECT current_setting('server_version_num')::int / 10000");
        var maxId = await PostgresProbe.ScalarAsync<int>(connectionString, "SELECT coalesce(max(id), 1) FROM letters");
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, GetByIdScript());
        try
        {
            var (exitCode, output) = await PostgresProbe.RunAsync(
                Path.Combine(await BinDirectoryAsync(major), "pgbench"),
                ["-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                 "-D", $"max_id={maxId}", "-f", script],
                new Dictionary<string, string>
                {
                    ["PGHOST"] = connection.Host!, ["PGPORT"] = connection.Port.ToString(CultureInfo.InvariantCulture),
                    ["PGUSER"] = connection.Username!, ["PGPASSWORD"] = connection.Password ?? "", ["PGDATABASE"] = connection.Database!,
                });
            var tps = Tps().Match(output);
            return exitCode == 0 && tps.Success
                ? double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench failed: {output}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Where <c>pg_config --bindir</c> says, else Debian's folder for the server's major version.</summary>
    private static async Task<string> BinDirectoryAsync(int major)
    {
        try
        {
            var (exitCode, output) = await PostgresProbe.RunAsync("pg_config", ["--bindir"], new Dictionary<string, string>());
            if (exitCode == 0 && output.Trim() is { Length: > 0 } bin && File.Exists(Path.Combine(bin, "pgbench")))
            {
                return bin;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config on the PATH.
        }

        return $"/usr/lib/postgresql/{major}/bin";
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
