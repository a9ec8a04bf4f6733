using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SeLetters.LoadBench;

/// <param name="WarmUpApiMsPerRequest">The API's CPU ms per request in each 10 s window of the warm-up (<see cref="WarmUp"/>).</param>
/// <param name="Phases">Users with pauses, saturation, open loop, get by id only: in that order.</param>
/// <param name="Alone">Each endpoint alone at saturation, for its CPU per request.</param>
internal sealed record LoadReport(
    DateTime StartedAtUtc,
    string Machine,
    LoadOptions Options,
    IReadOnlyList<double> WarmUpApiMsPerRequest,
    IReadOnlyList<PhaseResult> Phases,
    IReadOnlyList<PhaseResult> Alone,
    long AcknowledgedLetters,
    long LettersFoundWhole,
    long Deadlocks,
    int LockWaitSamples,
    int MaxWaitingLocks,
    double PgBenchGetByIdTps,
    double ApiGetByIdTps)
{
    public double GetByIdRatio => PgBenchGetByIdTps > 0 ? ApiGetByIdTps / PgBenchGetByIdTps : 0;

    /// <summary>The targets of issue 15 (users with pauses) and issue 7 (open loop, get by id), each with whether this run met it.</summary>
    public IReadOnlyList<(string Target, bool Met)> Targets()
    {
        var users = Phases[0].Operations;
        var openLoop = Phases[2].Operations;
        double P99(string operation) => openLoop.FirstOrDefault(o => o.Operation == operation)?.P99Ms ?? double.MaxValue;
        return
        [
            ("users with pauses: p95 < 100 ms for every endpoint", users.All(operation => operation.P95Ms < 100)),
            ("users with pauses: 0 errors", users.All(operation => operation.Errors == 0)),
            ("0 lost writes (acknowledged letters all stored whole)", AcknowledgedLetters == LettersFoundWhole),
            ("open loop: 0 errors", openLoop.All(operation => operation.Errors == 0)),
            ("open loop: p95 < 100 ms for every endpoint", openLoop.All(operation => operation.P95Ms < 100)),
            ("open loop: p99 < 25 ms for search and get by id", P99("Search") < 25 && P99("GetById") < 25),
            ("open loop: p99 < 50 ms for statistics", P99("Statistics") < 50),
            ("get by id ≥ 0.5 × pgbench", GetByIdRatio >= 0.5),
            ("0 deadlocks", Deadlocks == 0),
        ];
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        report = this,
        get_by_id_ratio = GetByIdRatio,
        targets = Targets().Select(target => new { target.Target, target.Met }),
    }, Results.Json);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# SeLetters load benchmark, {StartedAtUtc:u}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Machine: {Machine}. Base URL {Options.BaseUrl}; skew {(Options.Skew ? "on" : "off")}; {Options.Clients} clients; phases of {Options.SaturationPhase.TotalSeconds} s, the open loop at {Options.Rate} req/s for {Options.LatencyPhase.TotalSeconds} s.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Warm-up: {WarmUpApiMsPerRequest.Count * WarmUp.Window.TotalSeconds} s of the users' mix, until the API's CPU per request settled (ms a request in each {WarmUp.Window.TotalSeconds} s: {string.Join(", ", WarmUpApiMsPerRequest.Select(ms => ms.ToString("F2", CultureInfo.InvariantCulture)))}).");
        foreach (var phase in Phases)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {phase.Name} ({phase.Requests} requests, {phase.Requests / phase.Elapsed.TotalSeconds:F0} req/s)");
            text.AppendLine();
            text.AppendLine("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | statuses |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var operation in phase.Operations)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {operation.Operation} | {operation.Requests} | {operation.Throughput:F0} | {operation.P50Ms} | {operation.P95Ms} | {operation.P99Ms} | {operation.MaxMs} | {string.Join(", ", operation.Statuses.Select(s => $"{s.Key}: {s.Value}"))} |");
            }
        }

        text.AppendLine();
        text.AppendLine("## Where the CPU went (cores used, of the machine's; CPU ms per request)");
        text.AppendLine();
        text.AppendLine("| phase | req/s | API | PostgreSQL | this driver | other processes | API ms/req | PostgreSQL ms/req | driver ms/req |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var phase in Phases.Concat(Alone).Where(phase => phase.Cpu is not null))
        {
            var cpu = phase.Cpu!;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {phase.Name} | {phase.Requests / phase.Elapsed.TotalSeconds:F0} | {cpu.Cores(cpu.Api)} | {cpu.Cores(cpu.Postgres)} | {cpu.Cores(cpu.Driver)} | {cpu.Cores(cpu.Others)} | {cpu.PerRequest(cpu.Api, phase.Requests)} | {cpu.PerRequest(cpu.Postgres, phase.Requests)} | {cpu.PerRequest(cpu.Driver, phase.Requests)} |");
        }

        text.AppendLine();
        text.AppendLine("Each endpoint alone, at saturation:");
        text.AppendLine();
        text.AppendLine("| endpoint | req/s | p50 ms | p99 ms | statuses |");
        text.AppendLine("|---|---:|---:|---:|---|");
        foreach (var operation in Alone.SelectMany(phase => phase.Operations))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {operation.Operation} | {operation.Throughput:F0} | {operation.P50Ms} | {operation.P99Ms} | {string.Join(", ", operation.Statuses.Select(s => $"{s.Key}: {s.Value}"))} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Writes: {AcknowledgedLetters} letters acknowledged (201), {LettersFoundWhole} found whole afterwards.");
        text.AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL: {Deadlocks} deadlocks; lock waits seen in {LockWaitSamples} samples (max {MaxWaitingLocks} waiting locks).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Get by id: API {ApiGetByIdTps:F0} req/s vs pgbench {PgBenchGetByIdTps:F0} tps (same reads, same concurrency): ratio {GetByIdRatio:F2}.");
        text.AppendLine();
        text.AppendLine("| target | met |");
        text.AppendLine("|---|---|");
        foreach (var (target, met) in Targets())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {(met ? "yes" : "NO")} |");
        }

        return text.ToString();
    }
}
