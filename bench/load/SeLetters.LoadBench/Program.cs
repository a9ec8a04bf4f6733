using System.Net;
using SeLetters.LoadBench;

if (args is ["prepare", .. var prepareArgs])
{
    return Prepare.Run(prepareArgs);
}

if (args is ["plans", .. var plansArgs])
{
    return await QueryPlans.RunAsync(plansArgs);
}

if (args is ["search-grid", .. var gridArgs])
{
    return await SearchGrid.RunAsync(gridArgs);
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"SeLetters.LoadBench: {error.Message}\n{LoadOptions.Usage}");
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, AutomaticDecompression = DecompressionMethods.None })
{
    BaseAddress = options.BaseUrl,
    Timeout = TimeSpan.FromSeconds(10),
};

using (var health = await http.GetAsync("/health"))
{
    if (health.StatusCode != HttpStatusCode.OK)
    {
        Console.Error.WriteLine($"SeLetters.LoadBench: {options.BaseUrl}health answers {(int)health.StatusCode}; start the stack first.");
        return 1;
    }
}

var startedAt = DateTime.UtcNow;
var existingIds = await PostgresProbe.SampleLetterIdsAsync(options.PostgresConnectionString, 10_000);
if (existingIds.Count == 0)
{
    Console.Error.WriteLine("SeLetters.LoadBench: the database holds no letters; import a sample first (see bench/load/README.md).");
    return 1;
}

// Issue 7 compared get by id with pgbench at 100 clients; each endpoint alone runs long enough for its CPU per request.
const int GetByIdClients = 100;
const int EndpointSeconds = 15;

var workload = new Workload(http, options.ApiKey, existingIds, options.Skew);
var cpu = new CpuMeter(options.ApiPid, options.PostgresPid);
if (options.Only is { } only)
{
    return await OnlyAsync(options, workload, cpu, only);
}

var warmUp = await WarmUp.UntilSettledAsync(options, workload, cpu);

await using var probe = new PostgresProbe(options.PostgresConnectionString);
await probe.StartAsync();
var phases = new List<PhaseResult>();
async Task<PhaseResult> MeasureAsync(Func<Task<PhaseResult>> run)
{
    var before = cpu.Take();
    var phase = await run();
    phase = phase with { Cpu = CpuMeter.Between(before, cpu.Take()) };
    phases.Add(phase);
    return phase;
}

Console.WriteLine($"Users: {options.Clients} clients pausing {options.Pause.TotalMilliseconds} ms between requests, {options.SaturationPhase.TotalSeconds} s ...");
await MeasureAsync(() => Phases.ClosedLoopAsync(
    $"{options.Clients} users pausing {options.Pause.TotalMilliseconds} ms, request mix", workload, options.Clients, options.Pause, options.SaturationPhase, options.Seed + 1, Workload.Pick));
Console.WriteLine($"Saturation: {options.Clients} clients without pauses, {options.SaturationPhase.TotalSeconds} s ...");
await MeasureAsync(() => Phases.ClosedLoopAsync(
    $"{options.Clients} clients without pauses (saturation), request mix", workload, options.Clients, TimeSpan.Zero, options.SaturationPhase, options.Seed + 2, Workload.Pick));
Console.WriteLine($"Open loop: {options.Rate} req/s for {options.LatencyPhase.TotalSeconds} s ...");
await MeasureAsync(() => Phases.ConstantRateAsync($"Open loop at {options.Rate} req/s, request mix", workload, options.Rate, options.LatencyPhase, options.Seed + 3, Workload.Pick));
Console.WriteLine($"Get by id only: {GetByIdClients} clients for {options.SaturationPhase.TotalSeconds} s ...");
var getById = await MeasureAsync(() => Phases.ClosedLoopAsync(
    $"Get by id only, {GetByIdClients} clients without pauses", workload, GetByIdClients, TimeSpan.Zero, options.SaturationPhase, options.Seed + 4, _ => Operation.GetById));
await probe.StopAsync();

var acknowledged = workload.AcknowledgedLetters;
var foundWhole = await PostgresProbe.CountStoredWholeAsync(options.PostgresConnectionString, acknowledged);
Console.WriteLine($"pgbench: get-by-id reads, {GetByIdClients} clients for {options.SaturationPhase.TotalSeconds} s ...");
var pgbench = await PgBench.GetByIdThroughputAsync(options.PostgresConnectionString, GetByIdClients, options.SaturationPhase);

var alone = new List<PhaseResult>();
foreach (var operation in Enum.GetValues<Operation>())
{
    Console.WriteLine($"{operation} alone: {options.Clients} clients without pauses for {EndpointSeconds} s ...");
    var before = cpu.Take();
    var phase = await Phases.ClosedLoopAsync($"{operation} alone", workload, options.Clients, TimeSpan.Zero, TimeSpan.FromSeconds(EndpointSeconds), options.Seed + 5, _ => operation);
    alone.Add(phase with { Cpu = CpuMeter.Between(before, cpu.Take()) });
}

var report = new LoadReport(
    startedAt,
    $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1_073_741_824} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
    options,
    warmUp,
    phases,
    alone,
    acknowledged.Count,
    foundWhole,
    probe.Deadlocks,
    probe.LockWaitSamples,
    probe.MaxWaitingLocks,
    pgbench,
    getById.Operations.Single().Throughput);

var markdown = report.ToMarkdown();
var written = await Results.WriteAsync(options.OutputDirectory, options.Kind, startedAt, ("json", report.ToJson()), ("md", markdown));
Console.WriteLine(markdown);
Console.WriteLine($"Written: {string.Join(", ", written)}");
return report.Targets().All(target => target.Met) ? 0 : 3;

// Tuning one endpoint needs only its saturation (and for get by id the pgbench baseline), not the whole run; the
// throughput of each endpoint alone is also what the mix's ceiling is made of.
static async Task<int> OnlyAsync(LoadOptions options, Workload workload, CpuMeter cpu, Operation operation)
{
    await WarmUp.UntilSettledAsync(options, workload, cpu);
    Console.WriteLine($"Saturation: {operation} only, {options.Clients} clients for {options.SaturationPhase.TotalSeconds} s ...");
    var before = cpu.Take();
    var phase = await Phases.ClosedLoopAsync($"Saturation, {operation} only", workload, options.Clients, TimeSpan.Zero, options.SaturationPhase, options.Seed + 3, _ => operation);
    var use = CpuMeter.Between(before, cpu.Take());
    var api = phase.Operations.Single();
    var line = FormattableString.Invariant(
        $"{operation}: API {api.Throughput:F0} req/s (p50 {api.P50Ms} ms, p99 {api.P99Ms} ms, max {api.MaxMs} ms, statuses {string.Join(", ", api.Statuses.Select(s => $"{s.Key}: {s.Value}"))}); ")
        + $"CPU per request: API {use.PerRequest(use.Api, api.Requests)} ms, PostgreSQL {use.PerRequest(use.Postgres, api.Requests)} ms, driver {use.PerRequest(use.Driver, api.Requests)} ms; other processes {use.Cores(use.Others)} cores";
    if (operation != Operation.GetById)
    {
        Console.WriteLine(line);
        return api.Errors == 0 ? 0 : 3;
    }

    Console.WriteLine($"pgbench: get-by-id reads, {options.Clients} clients for {options.SaturationPhase.TotalSeconds} s ...");
    var pgbench = await PgBench.GetByIdThroughputAsync(options.PostgresConnectionString, options.Clients, options.SaturationPhase);
    var ratio = api.Throughput / pgbench;
    Console.WriteLine(FormattableString.Invariant($"{line} vs pgbench {pgbench:F0} tps: ratio {ratio:F2}"));
    return api.Errors == 0 && ratio >= 0.5 ? 0 : 3;
}
