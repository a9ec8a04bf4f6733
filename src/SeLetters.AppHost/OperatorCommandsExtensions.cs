using System.Diagnostics;
using System.Globalization;

namespace SeLetters.AppHost;

/// <summary>
/// The migration service's operator verbs as commands on the <c>migrations</c> resource in the dashboard: each runs the
/// service once more with that verb against the same database, writing under <c>Operations:Folder</c>.
/// </summary>
internal static class OperatorCommandsExtensions
{
    public static IResourceBuilder<ProjectResource> WithOperatorCommands(
        this IResourceBuilder<ProjectResource> migrations, IResourceBuilder<IResourceWithConnectionString> database, IDistributedApplicationBuilder builder)
    {
        var folder = Path.GetFullPath(builder.Configuration["Operations:Folder"]
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "SeLetters", "operations"));
        var backups = Path.Combine(folder, "backups");
        var exports = Path.Combine(folder, "exports");

        Task<ExecuteCommandResult> Run(ExecuteCommandContext context, params string[] arguments) =>
            RunVerbAsync(migrations.Resource, database.Resource, arguments, context.CancellationToken);

        return migrations
            .WithCommand("backup", "Back up the database", context => Run(context, "backup", "--output", backups),
                new CommandOptions { Description = $"pg_dump and its manifest into {backups}", IconName = "Save" })
            .WithCommand("restore-latest", "Restore the latest backup (new database)", context =>
                    Directory.Exists(backups) && Directory.GetFiles(backups, "*.dump").Order(StringComparer.Ordinal).LastOrDefault() is { } latest
                        ? Run(context, "restore", "--input", latest)
                        : Task.FromResult(CommandResults.Failure($"No backup in {backups} yet.")),
                new CommandOptions { Description = "Restores the newest backup into a new database and checks it against its manifest", IconName = "ArrowUndo" })
            .WithCommand("export-duckdb", "Export to letters.duckdb (rollback)", context =>
                    Run(context, "export-duckdb", "--output",
                        Path.Combine(exports, $"letters-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.duckdb")),
                new CommandOptions { Description = $"Writes the database as a letters.duckdb of the original format into {exports}", IconName = "ArrowExport" });
    }

    private static async Task<ExecuteCommandResult> RunVerbAsync(
        ProjectResource migrations, IResourceWithConnectionString database, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "run", "--no-build", "--no-launch-profile", "--project", migrations.GetProjectMetadata().ProjectPath, "--" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__lettersdb"] = await database.ConnectionStringExpression.GetValueAsync(cancellationToken);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var lines = (await output + await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return process.ExitCode == 0
            ? CommandResults.Success()
            : CommandResults.Failure(lines.LastOrDefault(line => line.Contains("failed", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? $"exit code {process.ExitCode}");
    }
}
