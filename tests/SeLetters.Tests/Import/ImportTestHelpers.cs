using System.Diagnostics;
using System.Text.Json;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Import;

internal sealed record ImportRun(int ExitCode, string Output, JsonDocument? Report)
{
    public JsonElement Table(string section, string table) =>
        Report!.RootElement.GetProperty(section).GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == table);

    public static async Task<ImportRun> RunAsync(string database, TempFolder folder, params string[] arguments)
    {
        var report = folder.File($"report-{Guid.NewGuid():N}.json");
        var run = await MigrationServiceProcess.RunAsync(database, null, [.. arguments, "--report", report]);
        return new ImportRun(run.ExitCode, run.Output, File.Exists(report) ? JsonDocument.Parse(await File.ReadAllTextAsync(report)) : null);
    }

    public static Task<ImportRun> ImportAsync(string database, TempFolder folder, string source) => RunAsync(database, folder, "import", "--source", source);

    public static Task<ImportRun> VerifyAsync(string database, TempFolder folder, string source) => RunAsync(database, folder, "verify", "--source", source);

    /// <summary>Starts an import and kills it (the whole process tree, SIGKILL) when a line of its output matches.</summary>
    public static async Task<string> KillWhenAsync(string database, string source, Func<string, bool> when)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { RepositoryFiles.ProjectOutput("SeLetters.MigrationService", "SeLetters.MigrationService.dll"), "import", "--source", source })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__lettersdb"] = database;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Import__ReportPath"] = source + ".report.json";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.AppendLine(line);
            if (when(line))
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(timeout.Token);
                return output.ToString();
            }
        }

        throw new InvalidOperationException("The import ended before the line to kill it at:\n" + output + await process.StandardError.ReadToEndAsync());
    }
}
