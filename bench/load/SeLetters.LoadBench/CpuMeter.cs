using System.Diagnostics;
using System.Globalization;

namespace SeLetters.LoadBench;

/// <summary>
/// Where a phase's CPU went, from /proc (Linux): the API's process, PostgreSQL's (the postmaster, its live children and
/// the children it has reaped), this driver, and everything else the machine ran meanwhile (other people's builds).
/// </summary>
internal sealed class CpuMeter(int? apiPid, int? postgresPid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    public CpuSnapshot Take() => new(
        Stopwatch.GetTimestamp(),
        apiPid is { } api ? ProcessTimes(api).Own : 0,
        postgresPid is { } postgres ? PostgresSeconds(postgres) : 0,
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        MachineBusySeconds());

    public static CpuUse Between(CpuSnapshot start, CpuSnapshot end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        var api = end.Api - start.Api;
        var postgres = end.Postgres - start.Postgres;
        var driver = end.Driver - start.Driver;
        return new CpuUse(seconds, api, postgres, driver, Math.Max(0, end.Machine - start.Machine - api - postgres - driver));
    }

    /// <summary>
    /// The postmaster's own time, its reaped children's and its live children's, read again until no child was reaped
    /// during the walk over /proc: a backend reaped between the postmaster's read and its own would be counted in no
    /// snapshot before it and whole in the next one (pgbench's 100 backends, ending just before a phase, once made
    /// PostgreSQL look like 4.4 cores busy on a 2-core machine).
    /// </summary>
    private static double PostgresSeconds(int postmaster)
    {
        while (true)
        {
            var before = ProcessTimes(postmaster);
            var children = Children(postmaster).Sum(child => ProcessTimes(child).Own);
            var after = ProcessTimes(postmaster);
            if (after.Reaped == before.Reaped)
            {
                return after.Own + after.Reaped + children;
            }
        }
    }

    /// <summary>utime + stime, and the reaped children's cutime + cstime, in seconds.</summary>
    private static (double Own, double Reaped) ProcessTimes(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double Field(int number) => double.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            return ((Field(14) + Field(15)) / TicksPerSecond, (Field(16) + Field(17)) / TicksPerSecond);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    private static IEnumerable<int> Children(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            if (stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1] == parent.ToString(CultureInfo.InvariantCulture))
            {
                yield return pid;
            }
        }
    }

    /// <summary>All cores' busy time: the first line of /proc/stat, less idle and iowait.</summary>
    private static double MachineBusySeconds()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(value => double.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        return (cpu.Take(8).Sum() - cpu[3] - cpu[4]) / TicksPerSecond;
    }
}

internal readonly record struct CpuSnapshot(long Timestamp, double Api, double Postgres, double Driver, double Machine);

/// <summary>CPU seconds of a phase; divided by its length, the cores each used.</summary>
internal sealed record CpuUse(double Seconds, double Api, double Postgres, double Driver, double Others)
{
    public string Cores(double cpuSeconds) => (cpuSeconds / Seconds).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Milliseconds of CPU per request, as the report prints them.</summary>
    public string PerRequest(double cpuSeconds, long requests) =>
        MillisecondsPerRequest(cpuSeconds, requests) is { } milliseconds ? milliseconds.ToString("0.00", CultureInfo.InvariantCulture) : "–";

    /// <summary>Milliseconds of CPU per request; none without a request.</summary>
    public static double? MillisecondsPerRequest(double cpuSeconds, long requests) => requests == 0 ? null : cpuSeconds * 1000 / requests;
}
