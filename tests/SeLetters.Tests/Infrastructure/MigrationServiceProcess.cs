using System.Diagnostics;

namespace SeLetters.Tests.Infrastructure;

/// <summary>Runs the built migration service as the operator would, as its own process.</summary>
public static class MigrationServiceProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> RunAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryFiles.ProjectOutput("SeLetters.MigrationService", "SeLetters.MigrationService.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__lettersdb"] = connectionString;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The migration service did not exit within 2 minutes.");
        }

        return new Result(process.ExitCode, await output + await error);
    }
}
