using System.Net;
using SeLetters.LoadBench;

if (args is ["prepare", .. var prepareArgs])
{
    return Prepare.Run(prepareArgs);
}

if (args is ["plans", .. var plansArgs])
{
    return QueryPlans.Run(plansArgs);
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

var workload = new Workload(http, options.ApiKey, existingIds);
if (options.Only is { } only)
{
    return await OnlyAsync(options, workload, only);
}

Console.WriteLine($"Warming up for 10 s at {options.Rate / 5} req/s ...");
await Phases.ConstantRateAsync("warm-up", workload, Math.Max(1, options.Rate / 5), TimeSpan.FromSeconds(10), options.Seed, Workload.Pick);

await using var probe = new PostgresProbe(options.PostgresConnectionString);
await probe.StartAsync();
Console.WriteLine($"Phase 1: {options.Rate} req/s for {options.LatencyPhase.TotalSeconds} s ...");
var latency = await Phases.ConstantRateAsync("Phase 1: constant arrival rate", workload, options.Rate, options.LatencyPhase, options.Seed + 1, Workload.Pick);
Console.WriteLine($"Phase 2: {options.Clients} clients for {options.SaturationPhase.TotalSeconds} s ...");
var saturation = await Phases.SaturationAsync("Phase 2: saturation, request mix", workload, options.Clients, options.SaturationPhase, options.Seed + 2, Workload.Pick);
Console.WriteLine($"Phase 2b: get by id only, {options.Clients} clients for {options.SaturationPhase.TotalSeconds} s ...");
var getById = await Phases.SaturationAsync("Phase 2b: saturation, get by id only", workload, options.Clients, options.SaturationPhase, options.Seed + 3, _ => Operation.GetById);
await probe.StopAsync();

var acknowledged = workload.AcknowledgedLetters;
var foundWhole = await PostgresProbe.CountStoredWholeAsync(options.PostgresConnectionString, acknowledged);
Console.WriteLine($"pgbench: get-by-id reads, {options.Clients} clients for {options.SaturationPhase.TotalSeconds} s ...");
var pgbench = await PgBench.GetByIdThroughputAsync(options.PostgresConnectionString, options.Clients, options.SaturationPhase);

var report = new LoadReport(
    startedAt,
    $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1_073_741_824} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
    options,
    [latency, saturation, getById],
    acknowledged.Count,
    foundWhole,
    workload.AcknowledgedDeletes,
    probe.Deadlocks,
    probe.LockWaitSamples,
    probe.MaxWaitingLocks,
    pgbench,
    getById.Operations.Single().Throughput);

var (jsonPath, markdownPath) = await report.WriteAsync(options.OutputDirectory);
Console.WriteLine(report.ToMarkdown());
Console.WriteLine($"Written: {jsonPath}, {markdownPath}");
return report.Targets().All(target => target.Met) ? 0 : 3;

// Tuning one endpoint needs only its saturation (and for get by id the pgbench baseline), not the whole run; the
// throughput of each endpoint alone is also what the mix's ceiling is made of.
static async Task<int> OnlyAsync(LoadOptions options, Workload workload, Operation operation)
{
    Console.WriteLine($"Warming up for 10 s at {options.Rate / 5} {operation} req/s ...");
    await Phases.ConstantRateAsync("warm-up", workload, Math.Max(1, options.Rate / 5), TimeSpan.FromSeconds(10), options.Seed, _ => operation);
    Console.WriteLine($"Saturation: {operation} only, {options.Clients} clients for {options.SaturationPhase.TotalSeconds} s ...");
    var phase = await Phases.SaturationAsync($"Saturation, {operation} only", workload, options.Clients, options.SaturationPhase, options.Seed + 3, _ => operation);
    var api = phase.Operations.Single();
    var line = FormattableString.Invariant(
        $"{operation}: API {api.Throughput:F0} req/s (p50 {api.P50Ms} ms, p99 {api.P99Ms} ms, max {api.MaxMs} ms, statuses {string.Join(", ", api.Statuses.Select(s => $"{s.Key}: {s.Value}"))})");
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
