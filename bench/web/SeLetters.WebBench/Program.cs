using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

// The web app's server time per page: N clients in a closed loop for a number of seconds per page, each request timed
// from its start to its last byte (loopback: the network adds nothing), p50/p95/p99 printed.
// usage: SeLetters.WebBench --base-url URL --max-id N [--clients 20] [--seconds 30]
var options = args.Chunk(2).ToDictionary(pair => pair[0], pair => pair[1]);
var baseUrl = new Uri(options["--base-url"]);
var maxId = int.Parse(options["--max-id"], CultureInfo.InvariantCulture);
var clients = int.Parse(options.GetValueOrDefault("--clients", "20"), CultureInfo.InvariantCulture);
var seconds = int.Parse(options.GetValueOrDefault("--seconds", "30"), CultureInfo.InvariantCulture);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
(string Name, Func<Random, string> Path)[] pages =
[
    ("/ (first page, 25 letters)", _ => "/"),
    ("/letters/{id}", random => $"/letters/{random.Next(1, maxId + 1)}"),
];

Console.WriteLine($"{clients} clients, {seconds} s per page after a 5 s warm-up; load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"{"page",-28} {"requests",9} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}  statuses");
foreach (var (name, path) in pages)
{
    await RunAsync(path, TimeSpan.FromSeconds(5), null);
    var histogram = new LongConcurrentHistogram(1, 60_000_000, 3);
    var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
    var elapsed = await RunAsync(path, TimeSpan.FromSeconds(seconds), (latency, status) =>
    {
        histogram.RecordValue(Math.Max(1, (long)latency.TotalMicroseconds));
        statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
    });
    double Ms(double percentile) => histogram.GetValueAtPercentile(percentile) / 1000.0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-28} {histogram.TotalCount,9} {histogram.TotalCount / elapsed.TotalSeconds,8:F1} {Ms(50),8:F1} {Ms(95),8:F1} {Ms(99),8:F1} {histogram.GetMaxValue() / 1000.0,8:F1}  {string.Join(" ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"))}"));
}

Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
return 0;

async Task<TimeSpan> RunAsync(Func<Random, string> path, TimeSpan duration, Action<TimeSpan, int>? record)
{
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
    {
        var random = new Random(client);
        while (clock.Elapsed < duration)
        {
            var start = Stopwatch.GetTimestamp();
            var status = 0;
            try
            {
                using var response = await http.GetAsync(path(random), HttpCompletionOption.ResponseContentRead);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
            }

            record?.Invoke(Stopwatch.GetElapsedTime(start), status);
        }
    }));
    return clock.Elapsed;
}
