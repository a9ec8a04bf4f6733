using System.Collections.Concurrent;
using HdrHistogram;

namespace SeLetters.LoadBench;

/// <summary>Per-operation latency histograms (microseconds) and answers by status code, safe to record from any thread.</summary>
internal sealed class LatencyRecorder
{
    private static readonly long MaxLatencyMicroseconds = (long)TimeSpan.FromMinutes(2).TotalMicroseconds;

    private readonly ConcurrentDictionary<Operation, LongConcurrentHistogram> _latencies = new();
    private readonly ConcurrentDictionary<(Operation Operation, int Status), long> _statuses = new();

    public void Record(Operation operation, TimeSpan latency, int status)
    {
        var histogram = _latencies.GetOrAdd(operation, _ => new LongConcurrentHistogram(1, MaxLatencyMicroseconds, 3));
        histogram.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, MaxLatencyMicroseconds));
        _statuses.AddOrUpdate((operation, status), 1, (_, count) => count + 1);
    }

    public IReadOnlyList<OperationResult> Results(TimeSpan elapsed) =>
        [.. _latencies.OrderBy(entry => entry.Key).Select(entry => new OperationResult(
            entry.Key.ToString(),
            entry.Value.TotalCount,
            entry.Value.TotalCount / elapsed.TotalSeconds,
            Milliseconds(entry.Value.GetValueAtPercentile(50)),
            Milliseconds(entry.Value.GetValueAtPercentile(95)),
            Milliseconds(entry.Value.GetValueAtPercentile(99)),
            Milliseconds(entry.Value.GetMaxValue()),
            _statuses.Where(status => status.Key.Operation == entry.Key)
                .OrderBy(status => status.Key.Status)
                .ToDictionary(status => status.Key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), status => status.Value)))];

    private static double Milliseconds(long microseconds) => Math.Round(microseconds / 1000.0, 2);
}

/// <param name="Statuses">Answers by HTTP status; 0 stands for no answer (timeout, connection refused).</param>
internal sealed record OperationResult(
    string Operation, long Requests, double Throughput, double P50Ms, double P95Ms, double P99Ms, double MaxMs,
    IReadOnlyDictionary<string, long> Statuses)
{
    public long Errors => Statuses.Where(status => status.Key is not ("200" or "201" or "204")).Sum(status => status.Value);
}
