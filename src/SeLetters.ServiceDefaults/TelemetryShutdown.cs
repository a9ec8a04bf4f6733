using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Gives the last export of telemetry one second once the host has stopped. Left to the disposal of the service
/// provider, the traces, metrics and logs providers each flush for up to the OTLP exporter's timeout (10 s) when the
/// collector accepts connections but no longer answers, which is what the dashboard's endpoint does while Aspire
/// stops it together with the services: Ctrl+C left the API running for 10–15 s, until the orchestrator killed it.
/// Once shut down here, the providers' disposal has nothing left to wait for.
/// </summary>
internal sealed class TelemetryShutdown(IServiceProvider services) : IHostedLifecycleService
{
    private const int BudgetMilliseconds = 1000;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.WhenAll(
        Task.Run(() => services.GetService<TracerProvider>()?.Shutdown(BudgetMilliseconds), CancellationToken.None),
        Task.Run(() => services.GetService<MeterProvider>()?.Shutdown(BudgetMilliseconds), CancellationToken.None),
        Task.Run(() => services.GetService<LoggerProvider>()?.Shutdown(BudgetMilliseconds), CancellationToken.None));

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
