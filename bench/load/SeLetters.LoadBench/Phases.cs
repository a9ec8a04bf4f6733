using System.Diagnostics;

namespace SeLetters.LoadBench;

internal sealed record PhaseResult(string Name, TimeSpan Elapsed, IReadOnlyList<OperationResult> Operations)
{
    public long Requests => Operations.Sum(operation => operation.Requests);

    /// <summary>Where the phase's CPU went (API, PostgreSQL, this driver, the rest of the machine).</summary>
    public CpuUse? Cpu { get; init; }
}

internal static class Phases
{
    /// <summary>
    /// Open loop: request i is due at start + i/rate whatever happened before, and its latency is measured from that
    /// intended start, so a slow server shows as latency instead of silently lowering the rate (no coordinated omission).
    /// </summary>
    public static async Task<PhaseResult> ConstantRateAsync(string name, Workload workload, int rate, TimeSpan duration, int seed, Func<Random, Operation> pick)
    {
        var recorder = new LatencyRecorder();
        var total = (long)(rate * duration.TotalSeconds);
        var ticksPerRequest = Stopwatch.Frequency / (double)rate;
        var random = new Random(seed);
        var inFlight = new List<Task>((int)total);
        var start = Stopwatch.GetTimestamp();
        for (long issued = 0; issued < total;)
        {
            var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - start) / ticksPerRequest) + 1);
            for (; issued < due; issued++)
            {
                var intendedStart = start + (long)(issued * ticksPerRequest);
                inFlight.Add(SendAsync(workload, recorder, pick(random), new Random(random.Next()), intendedStart));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        return new PhaseResult(name, Stopwatch.GetElapsedTime(start), recorder.Results(Stopwatch.GetElapsedTime(start)));
    }

    /// <summary>
    /// Closed loop: each client sends its next request once the previous one is answered and <paramref name="pause"/>
    /// has passed (a user's think time; none: saturation), until the time is up.
    /// </summary>
    public static async Task<PhaseResult> ClosedLoopAsync(string name, Workload workload, int clients, TimeSpan pause, TimeSpan duration, int seed, Func<Random, Operation> pick)
    {
        var recorder = new LatencyRecorder();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + client);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await SendAsync(workload, recorder, pick(random), random, Stopwatch.GetTimestamp());
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause);
                }
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new PhaseResult(name, elapsed, recorder.Results(elapsed));
    }

    private static async Task SendAsync(Workload workload, LatencyRecorder recorder, Operation operation, Random random, long startTimestamp)
    {
        var status = await workload.SendAsync(operation, random, CancellationToken.None);
        recorder.Record(operation, Stopwatch.GetElapsedTime(startTimestamp), status);
    }
}
