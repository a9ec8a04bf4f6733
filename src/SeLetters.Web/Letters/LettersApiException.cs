using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SeLetters.Web.Letters;

/// <summary>
/// The API refused a request (its problem details: <see cref="Problems"/> lists what to fix), or could not be reached.
/// </summary>
public sealed class LettersApiException(HttpStatusCode? status, string message, IReadOnlyList<string> problems) : Exception(message)
{
    /// <summary>The API's answer; null when it did not answer.</summary>
    public HttpStatusCode? Status { get; } = status;

    /// <summary>The validation errors of a 400, one line each; else the problem's detail.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>The API does not take the signed-in user's key (any more): the session should end.</summary>
    public bool KeyRejected => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    /// <summary>The letter changed after the version a change was made for (If-Match): nothing was written.</summary>
    public bool Stale => Status is HttpStatusCode.PreconditionFailed;

    public static LettersApiException Unreachable(Exception cause) =>
        new(null, "The letter database service is not answering; try again in a moment.", [cause.Message]);

    public static async Task<LettersApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemBody? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemBody>(LettersApiClient.Json, cancellationToken);
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page): the status says enough.
        }

        // A stale version's detail is written for the API's clients (If-Match, ETag): the message says it to an engineer.
        List<string> problems = response.StatusCode == HttpStatusCode.PreconditionFailed
            ? []
            : problem?.Errors?.SelectMany(field => field.Value).ToList() ?? (problem?.Detail is { } detail ? [detail] : []);
        var message = response.StatusCode switch
        {
            HttpStatusCode.BadRequest => "The search could not be run:",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => "The letter database did not accept your API key; sign in again.",
            HttpStatusCode.ServiceUnavailable => "The letter database is not available right now; try again in a moment.",
            HttpStatusCode.PreconditionFailed =>
                "This letter changed after you opened it, so nothing was changed. It is shown below as it is now; make your change again if it still applies.",
            var status => $"The letter database service answered {(int)status} {problem?.Title ?? response.ReasonPhrase}.",
        };
        return new LettersApiException(response.StatusCode, message, problems);
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
