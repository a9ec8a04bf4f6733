using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SeLetters.Api.Catalogue;

/// <summary>Degraded, not unhealthy, without the catalogue: the letters API still works.</summary>
internal sealed class CatalogueHealthCheck(CatalogueReader catalogue) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await catalogue.ProbeAsync(cancellationToken) is { } reason
            ? HealthCheckResult.Degraded(reason)
            : HealthCheckResult.Healthy();
}
