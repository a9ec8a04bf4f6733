using System.Diagnostics;

namespace SeLetters.Tests.Infrastructure;

/// <summary>Runs one of the solution's built programs as its own process, as an operator would.</summary>
public static class BuiltProgram
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs a tool of the machine and returns what it printed.</summary>
    public static async Task<string> RunToolAsync(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    public static async Task<Result> RunAsync(
        string project, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryFiles.ProjectOutput(project, project + ".dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{project} did not exit within {timeout}.");
        }

        return new Result(process.ExitCode, await output + await error);
    }
}
