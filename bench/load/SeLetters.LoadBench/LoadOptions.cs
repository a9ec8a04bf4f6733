using System.Globalization;

namespace SeLetters.LoadBench;

/// <summary>The driver's command line: <c>--name value</c> pairs, all with defaults but the base URL, key and database.</summary>
internal sealed record LoadOptions(
    Uri BaseUrl,
    string ApiKey,
    string PostgresConnectionString,
    int Rate,
    TimeSpan LatencyPhase,
    int Clients,
    TimeSpan SaturationPhase,
    string OutputDirectory,
    int Seed,
    Operation? Only,
    bool Skew,
    TimeSpan Pause,
    int? ApiPid,
    int? PostgresPid,
    string Kind)
{
    public const string Usage =
        "usage: SeLetters.LoadBench --base-url URL --api-key KEY --postgres CONNECTION_STRING "
        + "[--rate 500] [--latency-seconds 60] [--clients 50] [--pause-ms 200] [--saturation-seconds 60] [--skew on|off] "
        + "[--api-pid PID] [--postgres-pid PID] [--kind load] [--output bench/results] [--seed 1] [--only search|get-by-id|statistics|store]";

    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value' at '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
        int Number(string name, int fallback) =>
            !values.TryGetValue(name, out var value) ? fallback
            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 ? number
            : throw new ArgumentException($"--{name} takes a positive whole number, not '{value}'");

        int? Pid(string name) => values.ContainsKey(name) ? Number(name, 0) : null;

        var known = new HashSet<string>
        {
            "base-url", "api-key", "postgres", "rate", "latency-seconds", "clients", "pause-ms", "saturation-seconds", "skew", "api-pid", "postgres-pid",
            "kind", "output", "seed", "only",
        };
        if (values.Keys.FirstOrDefault(name => !known.Contains(name)) is { } unknown)
        {
            throw new ArgumentException($"unknown option --{unknown}");
        }

        return new LoadOptions(
            Uri.TryCreate(Required("base-url"), UriKind.Absolute, out var baseUrl) && baseUrl.IsLoopback
                ? baseUrl
                : throw new ArgumentException("--base-url must be an absolute URL on this machine (loopback only)"),
            Required("api-key"),
            Required("postgres"),
            Number("rate", 500),
            TimeSpan.FromSeconds(Number("latency-seconds", 60)),
            Number("clients", 50),
            TimeSpan.FromSeconds(Number("saturation-seconds", 60)),
            values.GetValueOrDefault("output", Path.Combine("bench", "results")),
            Number("seed", 1),
            values.GetValueOrDefault("only") switch
            {
                null => null,
                "search" => Operation.Search,
                "get-by-id" => Operation.GetById,
                "statistics" => Operation.Statistics,
                "store" => Operation.Store,
                var other => throw new ArgumentException($"--only takes search, get-by-id, statistics or store, not '{other}'"),
            },
            values.GetValueOrDefault("skew", "on") switch
            {
                "on" => true,
                "off" => false,
                var other => throw new ArgumentException($"--skew takes on or off, not '{other}'"),
            },
            TimeSpan.FromMilliseconds(Number("pause-ms", 200)),
            Pid("api-pid"),
            Pid("postgres-pid"),
            values.GetValueOrDefault("kind", "load"));
    }
}
