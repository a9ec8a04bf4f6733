using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using SeLetters.Api.Catalogue;

namespace SeLetters.Api.Errors;

/// <summary>
/// Turns a bad request (malformed body or query, body too large, a value the database refuses) into its 4xx problem,
/// and the failure of a dependency or a write that kept losing to concurrent ones into a 503 problem, so clients can tell
/// "fix the request" and "retry later" from a bug.
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
            // A parameter that cannot be bound, a body that is not the JSON expected (whose path the JsonException names),
            // Kestrel's 413.
            (status, detail) = (badRequest.StatusCode, badRequest.InnerException is JsonException json
                ? $"{badRequest.Message} {JsonProblem(json)}"
                : badRequest.Message);
        }
        else if (Unavailable(exception) is { } reason)
        {
            if (exception is not CatalogueUnavailableException)
            {
                LogDatabaseUnavailable(logger, exception.GetBaseException().Message);
            }

            (status, detail) = (StatusCodes.Status503ServiceUnavailable, reason);
        }
        else if (Contended(exception) is { } contended)
        {
            LogContended(logger, contended.SqlState, contended.MessageText, httpContext.Request.Method, httpContext.Request.Path);
            (status, detail) = (StatusCodes.Status503ServiceUnavailable, "The letters database was busy with other writes to the same rows; try again.");
        }
        else if (Refused(exception) is { } refused)
        {
            // Validation should have answered first: each one logged is a bound to add.
            LogRefusedByDatabase(logger, refused.SqlState, refused.MessageText, httpContext.Request.Method, httpContext.Request.Path);
            (status, detail) = RefusedStatus(refused);
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

    /// <summary>
    /// A write that lost to concurrent ones (a deadlock, a serialization failure, a lock it could not get) on every attempt
    /// the retry strategy made: nothing was written, and the same request may well succeed later.
    /// </summary>
    private static PostgresException? Contended(Exception exception) => FirstPostgresError(exception, sqlState =>
        sqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable);

    /// <summary>A value PostgreSQL refused: data exceptions (22), integrity constraints (23), program limits (54).</summary>
    private static PostgresException? Refused(Exception exception) =>
        FirstPostgresError(exception, sqlState => sqlState is ['2', '2' or '3', ..] or ['5', '4', ..]);

    /// <summary>The first PostgreSQL error of that kind in the chain of inner exceptions (EF Core wraps the provider's).</summary>
    private static PostgresException? FirstPostgresError(Exception exception, Func<string, bool> ofKind)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres && ofKind(postgres.SqlState))
            {
                return postgres;
            }
        }

        return null;
    }

    /// <summary>
    /// The message names the rule, never the row's values (PostgreSQL's detail may quote them): 413 for a value too large
    /// to store or index, 409 for a conflict with stored rows, 400 for a value no row could hold.
    /// </summary>
    private static (int Status, string Detail) RefusedStatus(PostgresException refused) => refused.SqlState switch
    {
        ['5', '4', ..] => (StatusCodes.Status413PayloadTooLarge, $"A value is too large for the database: {refused.MessageText}"),
        PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.ExclusionViolation =>
            (StatusCodes.Status409Conflict, $"The request conflicts with the stored letters: {refused.MessageText}"),
        _ => (StatusCodes.Status400BadRequest, $"The database refused a value of the request: {refused.MessageText}"),
    };

    /// <summary>
    /// The serializer's message, with the path of the value it is about: most messages end with it, but not that of a
    /// field given twice ("Duplicate property 'range_label' ... of type 'ProductDocument'", which product?).
    /// </summary>
    private static string JsonProblem(JsonException json) =>
        json.Path is { } path && !json.Message.Contains(" Path: ", StringComparison.Ordinal) ? $"{json.Message} Path: {path}." : json.Message;

    // One line per refused request, without a stack trace: during an outage every request fails the same way, and the
    // cause is the database, not this code.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: the letters database is not available ({Reason})")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: {Method} {Path} met concurrent writes on every attempt: {SqlState} {Reason}")]
    private static partial void LogContended(ILogger logger, string sqlState, string reason, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused a value of {Method} {Path}: {SqlState} {Reason}")]
    private static partial void LogRefusedByDatabase(ILogger logger, string sqlState, string reason, string method, string path);
}
