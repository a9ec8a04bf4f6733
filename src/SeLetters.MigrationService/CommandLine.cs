namespace SeLetters.MigrationService;

internal enum ServiceCommand
{
    /// <summary>No arguments (as under the AppHost): migrate, then import <c>Import:Source</c> if it is configured.</summary>
    Default,

    /// <summary><c>import --source FILE [--report FILE]</c>: migrate, import, verify.</summary>
    Import,

    /// <summary><c>verify --source FILE [--report FILE]</c>: compare the file with the database, change nothing.</summary>
    Verify,

    /// <summary><c>backup --output DIR</c>: pg_dump and its manifest.</summary>
    Backup,

    /// <summary><c>restore --input FILE [--database NAME] [--force]</c>: restore and verify against the manifest.</summary>
    Restore,

    /// <summary><c>export-duckdb --output FILE</c>: the database back into a letters.duckdb of the original format.</summary>
    ExportDuckDb,
}

/// <summary>The migration service's small command line.</summary>
internal sealed record CommandLine(ServiceCommand Command, IReadOnlyDictionary<string, string> Options)
{
    public const string Usage = """
        Usage: SeLetters.MigrationService                                        migrate, then import Import:Source if configured
               SeLetters.MigrationService import --source FILE [--report FILE]   migrate, import letters.duckdb, verify
               SeLetters.MigrationService verify --source FILE [--report FILE]   verify the database against letters.duckdb
               SeLetters.MigrationService backup --output DIR                    pg_dump (custom format) and its manifest
               SeLetters.MigrationService restore --input FILE [--database NAME] [--force]
                                                                                 restore into a new database and verify it
               SeLetters.MigrationService export-duckdb --output FILE            write the database as letters.duckdb
        The database is the connection string ConnectionStrings:lettersdb.
        """;

    private sealed record Verb(ServiceCommand Command, string[] Options, string[] Required, string[] Flags);

    private static readonly Dictionary<string, Verb> Verbs = new()
    {
        ["import"] = new(ServiceCommand.Import, ["--source", "--report"], [], []),
        ["verify"] = new(ServiceCommand.Verify, ["--source", "--report"], [], []),
        ["backup"] = new(ServiceCommand.Backup, ["--output"], ["--output"], []),
        ["restore"] = new(ServiceCommand.Restore, ["--input", "--database"], ["--input"], ["--force"]),
        ["export-duckdb"] = new(ServiceCommand.ExportDuckDb, ["--output"], ["--output"], []),
    };

    public string? Source => Options.GetValueOrDefault("--source");
    public string? Report => Options.GetValueOrDefault("--report");
    public string? Output => Options.GetValueOrDefault("--output");
    public string? Input => Options.GetValueOrDefault("--input");
    public string? Database => Options.GetValueOrDefault("--database");
    public bool Force => Options.ContainsKey("--force");

    /// <summary>The configuration settings the options stand for: --source is Import:Source, --report Import:ReportPath.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
        new[] { ("Import:Source", Source), ("Import:ReportPath", Report) }
            .Where(setting => setting.Item2 is not null)
            .Select(setting => KeyValuePair.Create(setting.Item1, setting.Item2));

    /// <summary>The parsed command line, or the one-line error to print (exit code 2); help: usage with exit code 0.</summary>
    public static (CommandLine? CommandLine, string? Error) Parse(string[] args)
    {
        if (args.Length == 0)
        {
            return (new CommandLine(ServiceCommand.Default, new Dictionary<string, string>()), null);
        }

        if (args[0] is "help" or "--help" or "-h")
        {
            return (null, null);
        }

        if (!Verbs.TryGetValue(args[0], out var verb))
        {
            return (null, $"unknown command '{args[0]}'; expected one of {string.Join(", ", Verbs.Keys)} (see --help)");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var key, var inline] ? (key, inline) : (args[i], null);
            if (verb.Flags.Contains(name) && value is null)
            {
                options[name] = "true";
                continue;
            }

            if (!verb.Options.Contains(name))
            {
                return (null, $"unknown option '{args[i]}' for '{args[0]}'; expected {string.Join(" ", verb.Options.Concat(verb.Flags))}");
            }

            if (value is null)
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return (null, $"option '{name}' needs a value");
                }

                value = args[++i];
            }

            options[name] = value;
        }

        return verb.Required.FirstOrDefault(required => !options.ContainsKey(required)) is { } missing
            ? (null, $"'{args[0]}' needs {missing}")
            : (new CommandLine(verb.Command, options), null);
    }
}
