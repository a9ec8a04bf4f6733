using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SeLetters.LoadBench;

/// <summary>
/// <c>plans --log FILE --output DIR [--kind plans]</c>: the plans PostgreSQL actually used for the API's searches during a run, as
/// logged by auto_explain (run.sh samples a share of all statements in JSON). Groups the searches by their access
/// paths (which scans on which tables and indexes), so a sequential scan of a large table cannot hide among fast
/// queries, and writes the slowest plans of each path next to the report.
/// </summary>
internal static class QueryPlans
{
    private const string PlanHeader = "ms  plan:";
    private const int SlowestPerPath = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["--log", _, "--output", _, ..] || args.Length is not (4 or 6) || (args.Length == 6 && args[4] != "--kind"))
        {
            Console.Error.WriteLine("usage: SeLetters.LoadBench plans --log POSTGRES_LOG --output DIR [--kind plans]");
            return 2;
        }

        var (log, output, kind) = (args[1], args[3], args.Length == 6 ? args[5] : "plans");

        if (!File.Exists(log))
        {
            Console.Error.WriteLine($"SeLetters.LoadBench plans: {log} does not exist.");
            return 1;
        }

        var searches = ReadPlans(log).Where(plan => plan.Query.Contains("search_text", StringComparison.Ordinal)).ToList();
        var summary = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"## Query plans of the searches ({searches.Count} sampled by auto_explain)")
            .AppendLine()
            .AppendLine("| access path | searches | p50 ms | p99 ms | max ms |")
            .AppendLine("|---|---:|---:|---:|---:|");
        foreach (var shape in searches.GroupBy(plan => plan.AccessPath).OrderByDescending(group => group.Count()))
        {
            var durations = shape.Select(plan => plan.Milliseconds).Order().ToList();
            summary.AppendLine(CultureInfo.InvariantCulture,
                $"| {shape.Key} | {durations.Count} | {Percentile(durations, 0.50):0.##} | {Percentile(durations, 0.99):0.##} | {durations[^1]:0.##} |");
        }

        // The slowest few of each access path: what to look at, without a megabyte of plans.
        var slowest = searches.GroupBy(plan => plan.AccessPath).SelectMany(shape => shape.OrderByDescending(plan => plan.Milliseconds).Take(SlowestPerPath));
        var written = await Results.WriteAsync(output, kind, DateTime.UtcNow,
            ("md", summary.ToString()),
            ("txt", string.Concat(slowest.Select(plan => $"-- {plan.Milliseconds:0.###} ms: {plan.AccessPath}\n{plan.Query}\n{plan.Text}\n\n"))));
        Console.WriteLine(summary);
        Console.WriteLine($"Written: {string.Join(", ", written)}");
        return 0;
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];

    /// <summary>
    /// auto_explain entries of a stderr log: a "duration: N ms  plan:" line, then the JSON plan on lines PostgreSQL
    /// starts with a tab.
    /// </summary>
    private static IEnumerable<SampledPlan> ReadPlans(string log)
    {
        double? milliseconds = null;
        var json = new StringBuilder();
        foreach (var line in File.ReadLines(log).Append(""))
        {
            if (milliseconds is not null && line.StartsWith('\t'))
            {
                json.AppendLine(line[1..]);
                continue;
            }

            if (milliseconds is { } duration && json.Length > 0 && Parse(duration, json.ToString()) is { } plan)
            {
                yield return plan;
            }

            milliseconds = null;
            json.Clear();
            var header = line.IndexOf(PlanHeader, StringComparison.Ordinal);
            var start = line.IndexOf("duration: ", StringComparison.Ordinal);
            if (header > 0 && start >= 0
                && double.TryParse(line.AsSpan(start + "duration: ".Length, header - start - "duration: ".Length).Trim(), CultureInfo.InvariantCulture, out var parsed))
            {
                milliseconds = parsed;
            }
        }
    }

    private static SampledPlan? Parse(double milliseconds, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var scans = new SortedSet<string>(StringComparer.Ordinal);
            CollectScans(root.GetProperty("Plan"), scans);
            return new SampledPlan(milliseconds, root.GetProperty("Query Text").GetString() ?? "", string.Join(", ", scans), json.Trim());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void CollectScans(JsonElement node, SortedSet<string> scans)
    {
        var type = node.GetProperty("Node Type").GetString() ?? "";
        if (type.Contains("Scan", StringComparison.Ordinal))
        {
            var on = node.TryGetProperty("Index Name", out var index) ? $" using {index.GetString()}"
                : node.TryGetProperty("Relation Name", out var relation) ? $" on {relation.GetString()}"
                : "";
            scans.Add(type + on);
        }

        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                CollectScans(child, scans);
            }
        }
    }

    private sealed record SampledPlan(double Milliseconds, string Query, string AccessPath, string Text);
}
