using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeLetters.Hosting;

namespace SeLetters.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of one test's own, run from the installed binaries by the same script the AppHost uses, so the
/// test can stop and start it without disturbing the shared <see cref="PostgresServerFixture"/> server.
/// </summary>
public sealed class ScratchPostgresServer : IAsyncDisposable
{
    private const string Password = "scratch-password";

    private readonly TempFolder _dataDirectory = new("scratch-postgres");
    private readonly string _binDirectory;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();
    private Process? _server;

    private ScratchPostgresServer(string binDirectory)
    {
        _binDirectory = binDirectory;
        Port = LoopbackPort.Free();
    }

    public int Port { get; }

    /// <summary>A migrated database <c>postgres</c> on a new server.</summary>
    public static async Task<ScratchPostgresServer> StartMigratedAsync()
    {
        var installation = LocalPostgresInstallation.Find(null)
            ?? throw new InvalidOperationException("No PostgreSQL server binaries are installed.");
        var server = new ScratchPostgresServer(installation.BinDirectory);
        await server.StartAsync();
        await using var context = PostgresServerFixture.CreateContext(server.ConnectionString + ";Pooling=false");
        await context.Database.MigrateAsync();
        await TestApiRole.ProvisionAsync(server.ConnectionString + ";Pooling=false");
        return server;
    }

    /// <summary>What the server has logged so far (it logs to the script's output).</summary>
    public string Log => string.Join('\n', _log);

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = Password,
        Database = "postgres",
    }.ConnectionString;

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "local-postgres.sh"));
        start.ArgumentList.Add(_binDirectory);
        start.ArgumentList.Add(_dataDirectory.Path);
        start.Environment["PGPORT"] = Port.ToString();
        start.Environment["POSTGRES_PASSWORD"] = Password;
        _server = Process.Start(start)!;
        // Kept, and drained so a chatty server never blocks on a full pipe.
        _server.OutputDataReceived += (_, line) => _log.Enqueue(line.Data ?? "");
        _server.BeginOutputReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false;Timeout=2");
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !_server.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A fast shutdown: the server disconnects its clients and exits, as in an operator's restart.</summary>
    public async Task StopAsync()
    {
        if (_server is null || _server.HasExited)
        {
            return;
        }

        // The script turns SIGTERM into the server's fast shutdown; Process.Kill would orphan the server.
        await BuiltProgram.RunToolAsync("kill", "-TERM", _server.Id.ToString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _server.WaitForExitAsync(timeout.Token);
        _server.Dispose();
        _server = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dataDirectory.Dispose();
    }
}
