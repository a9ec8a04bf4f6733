using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using SeLetters.Api.Catalogue;

namespace SeLetters.Api.Errors;

/// <summary>
/// Turns a bad request (malformed body or query, body too large) into its 4xx problem, and the failure of a dependency
/// into a 503 problem, so clients can tell "fix the request" and "retry later" from a bug.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string? detail;
        if (exception is BadHttpRequestException badRequest)
        {
            // Minimal APIs throw these instead of answering 400 when the environment is Development; Kestrel throws 413.
            (status, detail) = (badRequest.StatusCode, badRequest.Message);
        }
        else if (Unavailable(exception) is { } reason)
        {
            if (exception is not CatalogueUnavailableException)
            {
                LogDatabaseUnavailable(logger, exception.GetBaseException().Message);
            }

            (status, detail) = (StatusCodes.Status503ServiceUnavailable, reason);
        }
        else
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }

    private static string? Unavailable(Exception exception)
    {
        // EF Core wraps the provider's exception (DbUpdateException, the retry strategy's RetryLimitExceededException).
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case CatalogueUnavailableException catalogue:
                    return catalogue.Message;
                case PostgresException postgres when postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || postgres.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
                        or PostgresErrorCodes.AdminShutdown:
                case NpgsqlException and not PostgresException:
                case TimeoutException:
                    return "The letters database is not available; try again later.";
            }
        }

        return null;
    }

    // One line per refused request, without a stack trace: during an outage every request fails the same way, and the
    // cause is the database, not this code.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: the letters database is not available ({Reason})")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string reason);
}
