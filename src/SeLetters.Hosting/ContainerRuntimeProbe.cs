using System.ComponentModel;
using System.Diagnostics;

namespace SeLetters.Hosting;

/// <summary>
/// Asks the container runtime whether its daemon answers. Aspire only checks the runtime after the model is built, and a
/// container resource without a working runtime then waits forever, so the choice has to be made before.
/// </summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The runtime Aspire would use: ASPIRE_CONTAINER_RUNTIME (or its older DOTNET_ name), else docker.</summary>
    public static string RuntimeName =>
        Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME")
        ?? Environment.GetEnvironmentVariable("DOTNET_ASPIRE_CONTAINER_RUNTIME")
        ?? "docker";

    public static bool IsHealthy()
    {
        var start = new ProcessStartInfo(RuntimeName, "info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false; // the CLI is not installed
        }
    }
}
