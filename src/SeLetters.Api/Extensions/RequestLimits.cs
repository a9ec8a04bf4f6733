using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SeLetters.Api.Security;

namespace SeLetters.Api.Extensions;

/// <summary>
/// Admission control: at most <see cref="ApiOptions.MaxConcurrentRequests"/> requests run and
/// <see cref="ApiOptions.MaxQueuedRequests"/> wait, oldest first; any more are answered 503 at once. Without it, 500
/// requests/s offered to an API that serves about 170 piled up 10,000 requests whose clients had given up: their work
/// queued on the thread pool ahead of the continuations of database reads, a read took 10–30 s while PostgreSQL idled,
/// and hardly any request was answered within its client's 10 s. The health probes are never limited, so a busy API is
/// not taken for a dead one.
/// </summary>
internal static class RequestLimits
{
    private const string RetryAfterSeconds = "1";

    public static void AddRequestLimits(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            options.OnRejected = RejectAsync;
        })
        .AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((options, api) =>
        {
            // One partition for every request, built once: the probes are left out by their endpoints
            // (ServiceDefaults' MapDefaultEndpoints), which the middleware honours before any limiter.
            var everyRequest = RateLimitPartition.GetConcurrencyLimiter(true, _ => Limits(api.Value));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, bool>(_ => everyRequest);
        });

    private static ConcurrencyLimiterOptions Limits(ApiOptions api) => new()
    {
        PermitLimit = api.MaxConcurrentRequests,
        QueueLimit = api.MaxQueuedRequests,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Detail = "The API is serving as many requests as it can; try again in a second." },
        });
    }
}
