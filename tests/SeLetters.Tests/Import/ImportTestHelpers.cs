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
}
