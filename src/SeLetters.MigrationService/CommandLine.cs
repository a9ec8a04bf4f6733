namespace SeLetters.MigrationService;

internal enum ServiceCommand
{
    /// <summary>No arguments (as under the AppHost): migrate, then import <c>Import:Source</c> if it is configured.</summary>
    Default,

    /// <summary><c>import --source FILE [--report FILE]</c>: migrate, import, verify.</summary>
    Import,

    /// <summary><c>verify --source FILE [--report FILE]</c>: compare the file with the database, change nothing.</summary>
    Verify,
}

/// <summary>The migration service's small command line.</summary>
internal sealed record CommandLine(ServiceCommand Command, string? Source, string? Report)
{
    public const string Usage = """
        Usage: SeLetters.MigrationService                                   migrate, then import Import:Source if configured
               SeLetters.MigrationService import --source FILE [--report FILE]   migrate, import letters.duckdb, verify
               SeLetters.MigrationService verify --source FILE [--report FILE]   verify the database against letters.duckdb
        The database is the connection string ConnectionStrings:lettersdb.
        """;

    /// <summary>The parsed command line, or the one-line error to print (exit code 2); help: usage with exit code 0.</summary>
    public static (CommandLine? CommandLine, string? Error) Parse(string[] args)
    {
        if (args.Length == 0)
        {
            return (new CommandLine(ServiceCommand.Default, null, null), null);
        }

        if (args[0] is "help" or "--help" or "-h")
        {
            return (null, null);
        }

        var command = args[0] switch
        {
            "import" => ServiceCommand.Import,
            "verify" => ServiceCommand.Verify,
            _ => (ServiceCommand?)null,
        };
        if (command is null)
        {
            return (null, $"unknown command '{args[0]}'; expected 'import' or 'verify' (see --help)");
        }

        string? source = null, report = null;
        for (var i = 1; i < args.Length; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var key, var inline] ? (key, inline) : (args[i], null);
            if (name is not ("--source" or "--report"))
            {
                return (null, $"unknown option '{args[i]}' for '{args[0]}'; expected --source FILE [--report FILE]");
            }

            if (value is null)
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return (null, $"option '{name}' needs a file path");
                }

                value = args[++i];
            }

            if (name == "--source")
            {
                source = value;
            }
            else
            {
                report = value;
            }
        }

        return (new CommandLine(command.Value, source, report), null);
    }
}
