using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SeLetters.Hosting;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.AppModel;

/// <summary>Ctrl+C on `dotnet run --project src/SeLetters.AppHost` leaves no PostgreSQL server behind.</summary>
/// <remarks>Alone: a whole AppHost started as a process, signalled and waited for, with time bounds on each step.</remarks>
[Collection(AloneCollection.Name)]
public sealed class AppHostShutdownTests : IDisposable
{
    private readonly TempFolder _dataDirectory = new("shutdown");

    [Fact]
    public async Task Ctrl_c_stops_the_local_postgres_server_cleanly()
    {
        using var appHost = StartAppHost();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        appHost.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        appHost.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();

        try
        {
            await WaitUntilAsync(() => ServerProcesses().Count > 0 && output.Any(line => line.Contains("Distributed application started")), TimeSpan.FromMinutes(4),
                () => "The AppHost did not start its local PostgreSQL server:\n" + string.Join("\n", output));

            using (var interrupt = Process.Start("kill", ["-INT", appHost.Id.ToString()]))
            {
                await interrupt.WaitForExitAsync();
            }

            await WaitUntilAsync(() => appHost.HasExited, TimeSpan.FromMinutes(1),
                () => "The AppHost did not exit within a minute of Ctrl+C:\n" + string.Join("\n", output));
            await WaitUntilAsync(() => ServerProcesses().Count == 0, TimeSpan.FromSeconds(15),
                () => "PostgreSQL processes are left behind: " + string.Join(", ", ServerProcesses()));
        }
        finally
        {
            if (!appHost.HasExited)
            {
                appHost.Kill(entireProcessTree: true);
            }
        }

        var installation = LocalPostgresInstallation.Find(configuredBinDirectory: null)!;
        var control = await BuiltProgram.RunToolAsync(Path.Combine(installation.BinDirectory, "pg_controldata"), _dataDirectory.Path);
        Assert.Contains("Database cluster state:               shut down", control);
    }

    private Process StartAppHost()
    {
        // Ctrl+C in a terminal reaches a program whose SIGINT is at its default. A test run started in the background
        // (`nohup ... &`, as a CI agent may) hands its children SIGINT ignored, as POSIX shells do for background jobs,
        // and .NET then keeps ignoring it: env --default-signal gives the AppHost the terminal's disposition back.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(RepositoryFiles.ProjectOutput("SeLetters.AppHost", "SeLetters.AppHost.dll"));
        start.ArgumentList.Add($"--Postgres:DataDirectory={_dataDirectory.Path}");
        start.ArgumentList.Add("--Postgres:Mode=local");
        // What the AppHost's "http" launch profile sets, on ports of this test's own.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        return Process.Start(start)!;
    }

    /// <summary>The processes of the server on this test's data directory: postgres and its children.</summary>
    private List<int> ServerProcesses() =>
        Directory.GetDirectories("/proc")
            .Select(directory => (Pid: int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0, Directory: directory))
            .Where(process => process.Pid > 0 && ReadCommandLine(process.Directory).Contains(_dataDirectory.Path, StringComparison.Ordinal)
                && ReadCommandLine(process.Directory).Contains("postgres", StringComparison.Ordinal)
                && !ReadCommandLine(process.Directory).Contains("local-postgres.sh", StringComparison.Ordinal))
            .Select(process => process.Pid)
            .ToList();

    private static string ReadCommandLine(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDirectory, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(250);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _dataDirectory.Dispose();
}
