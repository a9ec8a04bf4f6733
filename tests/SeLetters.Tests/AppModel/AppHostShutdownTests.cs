using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SeLetters.Hosting;
using SeLetters.Tests.Faults;
using SeLetters.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SeLetters.Tests.AppModel;

/// <summary>
/// Ctrl+C on `dotnet run --project src/SeLetters.AppHost` in a terminal: the terminal sends SIGINT to its foreground
/// process group, and every process of the stack is gone within 5 s. The orchestrator (DCP) runs in a session of its
/// own and stops the resources itself; the API had outlived it for 10–15 s, flushing telemetry to the dashboard that
/// was being stopped at the same time, until the orchestrator killed it. Run alone: the bound is about the stack, not
/// about sharing 2 cores with the parallel whole-app tests.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class AppHostShutdownTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(5);

    private readonly TempFolder _dataDirectory = new("shutdown");

    [Fact]
    public async Task Ctrl_c_in_a_terminal_ends_every_seletters_and_postgres_process_within_five_seconds()
    {
        using var appHost = StartAppHostAsProcessGroup();
        var output = new ConcurrentQueue<string>();
        appHost.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        appHost.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();
        IReadOnlyList<StackProcess> stack = [];

        try
        {
            // The whole stack up: the API and the web app answer, so the API has a database and both a dashboard to send
            // telemetry to; every process the stop has to end is running when the stack is listed.
            foreach (var (project, isProject) in new (string, Func<StackProcess, bool>)[] { ("API", process => process.IsProject("Api")), ("web app", process => process.IsProject("Web")) })
            {
                var started = await WaitForAsync(() => StackProcesses(appHost.Id).FirstOrDefault(isProject), TimeSpan.FromMinutes(4),
                    () => $"The AppHost did not start the {project}:\n" + string.Join("\n", output));
                await WaitForAnswerAsync(started, () => $"The {project} did not answer:\n" + string.Join("\n", output));
            }

            stack = StackProcesses(appHost.Id);
            Assert.Contains(stack, process => process.IsPostgres);

            using (var interrupt = Process.Start("kill", ["-INT", "--", $"-{appHost.Id}"]))
            {
                await interrupt.WaitForExitAsync();
            }

            var clock = Stopwatch.StartNew();
            await WaitForAsync(() => stack.Where(process => process.IsSeLettersOrPostgres).All(process => !process.IsRunning) ? "" : null, StopBudget,
                () => $"{StopBudget.TotalSeconds} s after Ctrl+C, still running: " + string.Join("; ", stack.Where(process => process.IsSeLettersOrPostgres && process.IsRunning)));
            log.WriteLine($"Every SeLetters and postgres process ended {clock.ElapsedMilliseconds} ms after Ctrl+C.");
            await WaitForAsync(() => stack.All(process => !process.IsRunning) ? "" : null, TimeSpan.FromSeconds(30),
                () => "Orchestrator processes are left behind: " + string.Join("; ", stack.Where(process => process.IsRunning)));
            log.WriteLine($"The orchestrator's processes ended {clock.ElapsedMilliseconds} ms after Ctrl+C.");
        }
        finally
        {
            foreach (var process in stack.Where(process => process.IsRunning))
            {
                process.Kill();
            }

            if (!appHost.HasExited)
            {
                appHost.Kill(entireProcessTree: true);
            }
        }

        var installation = LocalPostgresInstallation.Find(configuredBinDirectory: null)!;
        var control = await BuiltProgram.RunToolAsync(Path.Combine(installation.BinDirectory, "pg_controldata"), _dataDirectory.Path);
        Assert.Contains("Database cluster state:               shut down", control);
    }

    /// <summary>
    /// The AppHost as a terminal runs it: leading a process group of its own (setsid), the target of Ctrl+C. A test run
    /// started in the background (`nohup ... &amp;`, as a CI agent may) hands its children SIGINT ignored, as POSIX shells do
    /// for background jobs, and .NET then keeps ignoring it: env --default-signal gives the AppHost the terminal's
    /// disposition back.
    /// </summary>
    private Process StartAppHostAsProcessGroup()
    {
        // setsid execs in place (this child is no group leader), so the AppHost's pid is its group's id.
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "env", "--default-signal=INT", "dotnet", RepositoryFiles.ProjectOutput("SeLetters.AppHost", "SeLetters.AppHost.dll"),
            $"--Postgres:DataDirectory={_dataDirectory.Path}", "--Postgres:Mode=local", "--Import:Sample=false" })
        {
            start.ArgumentList.Add(argument);
        }

        // What the AppHost's "http" launch profile sets, on ports of this test's own.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        return Process.Start(start)!;
    }

    /// <summary>A project's own address is in its environment (ASPNETCORE_URLS, set by the orchestrator).</summary>
    private static async Task WaitForAnswerAsync(StackProcess project, Func<string> failure)
    {
        var urls = project.Environment("ASPNETCORE_URLS") ?? throw new InvalidOperationException($"{project} has no ASPNETCORE_URLS.");
        using var http = new HttpClient { BaseAddress = new Uri(urls.Split(';')[0]), Timeout = TimeSpan.FromSeconds(5) };
        await WaitForAsync(async () =>
        {
            try
            {
                using var alive = await http.GetAsync("/alive");
                return alive.IsSuccessStatusCode ? "" : null;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }, TimeSpan.FromMinutes(2), failure);
    }

    /// <summary>
    /// The AppHost, the orchestrator it started (DCP, in sessions of its own, watching the AppHost's pid) and all their
    /// descendants: the dashboard, PostgreSQL and the projects.
    /// </summary>
    private static List<StackProcess> StackProcesses(int appHostId)
    {
        var all = StackProcess.All();
        var roots = all.Where(process => process.Id == appHostId || process.CommandLine.Contains($"--monitor {appHostId} ", StringComparison.Ordinal))
            .Select(process => process.Id).ToHashSet();
        var stack = all.Where(process => roots.Contains(process.Id)).ToList();
        for (var added = stack; added.Count > 0;)
        {
            var parents = added.Select(process => process.Id).ToHashSet();
            added = all.Where(process => parents.Contains(process.ParentId) && !stack.Contains(process)).ToList();
            stack.AddRange(added);
        }

        return stack;
    }

    private static Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout, Func<string> failure) where T : class =>
        WaitForAsync(() => Task.FromResult(probe()), timeout, failure);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> failure) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _dataDirectory.Dispose();

    /// <summary>A process as /proc shows it; identified by pid and start time, so a reused pid is not taken for it.</summary>
    private sealed record StackProcess(int Id, int ParentId, ulong StartTime, string CommandLine)
    {
        public bool IsProject(string name) => CommandLine.Split(' ')[0].EndsWith($"/SeLetters.{name}", StringComparison.Ordinal);

        public bool IsPostgres => CommandLine.StartsWith("postgres", StringComparison.Ordinal) || CommandLine.Contains("/bin/postgres ", StringComparison.Ordinal);

        public bool IsSeLettersOrPostgres => IsPostgres || CommandLine.Contains("SeLetters", StringComparison.Ordinal);

        /// <summary>Still running: not gone, not a zombie waiting for its parent to collect its exit status.</summary>
        public bool IsRunning => Read(Id) is { } now && now.Process.StartTime == StartTime && now.State != 'Z';

        public string? Environment(string name) =>
            TryRead($"/proc/{Id}/environ")?.Split('\0').FirstOrDefault(entry => entry.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

        public void Kill()
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(Id).Kill();
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
            }
        }

        public override string ToString() => $"{Id} {CommandLine[..Math.Min(CommandLine.Length, 120)]}";

        public static List<StackProcess> All() =>
            [.. Directory.GetDirectories("/proc").Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? Read(pid)?.Process : null).OfType<StackProcess>()];

        private static (StackProcess Process, char State)? Read(int pid)
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..." where comm may hold spaces and parentheses; start time is field 22.
            if (TryRead($"/proc/{pid}/stat") is not { } stat || TryRead($"/proc/{pid}/cmdline") is not { } commandLine)
            {
                return null;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (new StackProcess(pid, int.Parse(fields[1]), ulong.Parse(fields[19]), commandLine.Replace('\0', ' ').Trim()), fields[0][0]);
        }

        private static string? TryRead(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
