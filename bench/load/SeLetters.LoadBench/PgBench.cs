using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace SeLetters.LoadBench;

/// <summary>The physical limit: pgbench running what a get-by-id reads, at the same concurrency, on the same machine.</summary>
internal static partial class PgBench
{
    // What GET /api/letters/{id} reads: the letter, its products, their matches and its debug steps.
    private const string GetByIdScript = """
        \set id random(1, :max_id)
        SELECT * FROM letters WHERE id = :id;
        SELECT * FROM letter_products WHERE letter_id = :id ORDER BY id;
        SELECT * FROM letter_product_matches WHERE letter_id = :id ORDER BY id;
        SELECT * FROM processing_debug WHERE letter_id = :id ORDER BY step_timestamp, id;
        """;

    public static async Task<double> GetByIdThroughputAsync(string connectionString, int clients, TimeSpan duration)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var major = (int)await PostgresProbe.ScalarAsync<int>(connectionString, "SELECT current_setting('server_version_num')::int / 10000");
        var maxId = await PostgresProbe.ScalarAsync<int>(connectionString, "SELECT coalesce(max(id), 1) FROM letters");
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, GetByIdScript);
        try
        {
            var (exitCode, output) = await PostgresProbe.RunAsync(
                $"/usr/lib/postgresql/{major}/bin/pgbench",
                ["-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
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

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
