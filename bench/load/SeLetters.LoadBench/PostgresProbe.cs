using System.Diagnostics;
using Npgsql;

namespace SeLetters.LoadBench;

/// <summary>What PostgreSQL itself says during a run: deadlocks (pg_stat_database) and lock waits (pg_locks, sampled).</summary>
internal sealed class PostgresProbe(string connectionString) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _sampling;
    private long _deadlocksAtStart;

    public int LockWaitSamples { get; private set; }
    public int MaxWaitingLocks { get; private set; }
    public long Deadlocks { get; private set; }

    public async Task StartAsync()
    {
        _deadlocksAtStart = await ScalarAsync<long>(connectionString, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
        _sampling = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var waiting = new NpgsqlCommand("SELECT count(*)::int FROM pg_locks WHERE NOT granted", connection);
            while (!_stop.IsCancellationRequested)
            {
                var count = (int)(await waiting.ExecuteScalarAsync())!;
                LockWaitSamples += count > 0 ? 1 : 0;
                MaxWaitingLocks = Math.Max(MaxWaitingLocks, count);
                await Task.Delay(500, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_sampling is not null)
        {
            await _sampling;
        }

        Deadlocks = await ScalarAsync<long>(connectionString, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()") - _deadlocksAtStart;
    }

    /// <summary>How many of the acknowledged letters are stored whole (the letter with its 5 products and 6 debug steps).</summary>
    public static async Task<long> CountStoredWholeAsync(string connectionString, IReadOnlyCollection<int> letterIds)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM letters l
            WHERE l.id = ANY(@ids)
              AND (SELECT count(*) FROM letter_products p WHERE p.letter_id = l.id) = 5
              AND (SELECT count(*) FROM letter_product_matches m WHERE m.letter_id = l.id) = 5
              AND (SELECT count(*) FROM processing_debug d WHERE d.letter_id = l.id) = 6
            """, connection);
        command.Parameters.AddWithValue("ids", letterIds.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<int>> SampleLetterIdsAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM letters ORDER BY random() LIMIT @count", connection);
        command.Parameters.AddWithValue("count", count);
        var ids = new List<int>(count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
