using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SeLetters.LoadBench;

internal sealed record LoadReport(
    DateTime StartedAtUtc,
    string Machine,
    LoadOptions Options,
    IReadOnlyList<PhaseResult> Phases,
    long AcknowledgedLetters,
    long LettersFoundWhole,
    long AcknowledgedDeletes,
    long Deadlocks,
    int LockWaitSamples,
    int MaxWaitingLocks,
    double PgBenchGetByIdTps,
    double ApiGetByIdTps)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public double GetByIdRatio => PgBenchGetByIdTps > 0 ? ApiGetByIdTps / PgBenchGetByIdTps : 0;

    /// <summary>The issue's targets, each with whether this run met it.</summary>
    public IReadOnlyList<(string Target, bool Met)> Targets()
    {
        var latency = Phases[0].Operations;
        double P99(string operation) => latency.FirstOrDefault(o => o.Operation == operation)?.P99Ms ?? double.MaxValue;
        return
        [
            ("0 errors in every phase", Phases.All(phase => phase.Operations.All(operation => operation.Errors == 0))),
            ("0 lost writes (acknowledged letters all stored whole)", AcknowledgedLetters == LettersFoundWhole),
            ("phase 1: p95 < 100 ms for every endpoint", latency.All(operation => operation.P95Ms < 100)),
            ("phase 1: p99 < 25 ms for search and get by id", P99("Search") < 25 && P99("GetById") < 25),
            ("phase 1: p99 < 50 ms for statistics", P99("Statistics") < 50),
            ("phase 2: get by id ≥ 0.5 × pgbench", GetByIdRatio >= 0.5),
            ("0 deadlocks", Deadlocks == 0),
        ];
    }

    public async Task<(string JsonPath, string MarkdownPath)> WriteAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var name = $"load-{StartedAtUtc:yyyyMMdd'T'HHmmss'Z'}";
        var jsonPath = Path.Combine(directory, name + ".json");
        var markdownPath = Path.Combine(directory, name + ".md");
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(new
        {
            report = this,
            get_by_id_ratio = GetByIdRatio,
            targets = Targets().Select(target => new { target.Target, target.Met }),
        }, Json));
        await File.WriteAllTextAsync(markdownPath, ToMarkdown());
        return (jsonPath, markdownPath);
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# SeLetters load benchmark, {StartedAtUtc:u}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}. Base URL {Options.BaseUrl}; phase 1 {Options.Rate} req/s for {Options.LatencyPhase.TotalSeconds} s (open loop); phase 2 {Options.Clients} clients for {Options.SaturationPhase.TotalSeconds} s.");
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
        text.AppendLine(CultureInfo.InvariantCulture, $"Writes: {AcknowledgedLetters} letters acknowledged (201) and not deleted, {LettersFoundWhole} found whole afterwards; {AcknowledgedDeletes} deletes acknowledged.");
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
