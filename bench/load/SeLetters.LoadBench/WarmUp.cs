using System.Globalization;

namespace SeLetters.LoadBench;

/// <summary>
/// The users' mix, in windows of 10 s, until the API's CPU per request has settled. A freshly started API runs on code
/// the JIT has not yet optimised for minutes under this load (the tiering thread shares the 2 cores with everything
/// else): the mix took 6.9 ms of the API's CPU a request in its first 30 s and 1.9 ms three minutes later, in the same
/// process. The earlier fixed 10 s measured that JIT, not the API.
/// </summary>
internal static class WarmUp
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Two minutes at least: on its way down, the API's CPU per request held level for half a minute at 5.5-5.9 ms
    /// before falling to 1.9 ms, which three windows alone took for settled.
    /// </summary>
    private const int MinWindows = 12;
    private const int MaxWindows = 30;

    /// <summary>Settled: the last <see cref="SettledWindows"/> windows within this share of each other.</summary>
    private const int SettledWindows = 3;
    private const double Spread = 0.10;

    /// <summary>The API's CPU ms per request in each window (one window when the API's process is not known).</summary>
    public static async Task<IReadOnlyList<double>> UntilSettledAsync(LoadOptions options, Workload workload, CpuMeter cpu)
    {
        Console.WriteLine($"Warming up until the API's CPU per request settles: {options.Clients} clients pausing {options.Pause.TotalMilliseconds} ms ...");
        var perRequest = new List<double>();
        for (var window = 1; window <= MaxWindows; window++)
        {
            var before = cpu.Take();
            var phase = await Phases.ClosedLoopAsync("warm-up", workload, options.Clients, options.Pause, Window, options.Seed + window * 100, Workload.Pick);
            var use = CpuMeter.Between(before, cpu.Take());
            var milliseconds = CpuUse.MillisecondsPerRequest(use.Api, phase.Requests) ?? 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  warm-up window {window}: {phase.Requests} requests, API {milliseconds:F2} ms of CPU a request"));
            perRequest.Add(milliseconds);
            var last = perRequest.TakeLast(SettledWindows).ToList();
            if (options.ApiPid is null || (window >= MinWindows && last.Max() <= last.Min() * (1 + Spread)))
            {
                break;
            }
        }

        return perRequest;
    }
}
