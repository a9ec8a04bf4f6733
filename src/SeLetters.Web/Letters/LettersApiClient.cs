using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SeLetters.Web.Letters;

/// <summary>
/// The letter database API, the web app's only source of data (<c>https+http://api</c>, resolved by service
/// discovery). Every failure comes out as a <see cref="LettersApiException"/> the pages can show.
/// </summary>
public sealed class LettersApiClient(HttpClient http)
{
    public const string ServiceAddress = "https+http://api";
    public const string KeyHeader = "X-Api-Key";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public Task<SearchPage> SearchAsync(LetterQuery query, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/letters" + query.ApiSearchQueryString()),
            response => ReadAsync<SearchPage>(response, cancellationToken), cancellationToken);

    /// <summary>The letter, or null when there is no such letter.</summary>
    public Task<LetterDetails?> GetLetterAsync(int id, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/letters/{id}"),
            async response => response.StatusCode == HttpStatusCode.NotFound
                ? null
                : await ReadAsync<LetterDetails>(response, cancellationToken) with { Version = response.Headers.ETag?.Tag },
            cancellationToken);

    public Task<LetterStatistics> GetStatisticsAsync(CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/letters/statistics"),
            response => ReadAsync<LetterStatistics>(response, cancellationToken), cancellationToken);

    /// <summary>Whether the API accepts <paramref name="apiKey"/> for writes; nothing is written.</summary>
    public Task<bool> IsAcceptedKeyAsync(string apiKey, CancellationToken cancellationToken) =>
        SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Get, "/api/key"), apiKey),
            response => response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? Task.FromResult(false)
                : SucceededAsync(response, cancellationToken),
            cancellationToken);

    /// <summary>
    /// False when there is no such letter. Given the <paramref name="version"/> the letter was read at, a letter changed
    /// since is not changed (<see cref="LettersApiException.Stale"/>).
    /// </summary>
    public Task<bool> ChangeStatusAsync(int id, string status, string? version, string apiKey, CancellationToken cancellationToken) =>
        WriteAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/letters/{id}") { Content = JsonContent.Create(new { status }, options: Json) },
            version, apiKey, cancellationToken);

    /// <summary>
    /// False when there is no such letter (any more). Given the <paramref name="version"/> the deletion was confirmed for,
    /// a letter changed since is not deleted (<see cref="LettersApiException.Stale"/>).
    /// </summary>
    public Task<bool> DeleteAsync(int id, string? version, string apiKey, CancellationToken cancellationToken) =>
        WriteAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/letters/{id}"), version, apiKey, cancellationToken);

    private Task<bool> WriteAsync(HttpRequestMessage request, string? version, string apiKey, CancellationToken cancellationToken)
    {
        // The version comes back from the page's form: a value that is no entity tag (a form tampered with) is not sent.
        if (EntityTagHeaderValue.TryParse(version, out var tag))
        {
            request.Headers.IfMatch.Add(tag);
        }

        return SendAsync(WithKey(request, apiKey),
            response => response.StatusCode == HttpStatusCode.NotFound
                ? Task.FromResult(false)
                : SucceededAsync(response, cancellationToken),
            cancellationToken);
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string apiKey)
    {
        request.Headers.Add(KeyHeader, apiKey);
        return request;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, Func<HttpResponseMessage, Task<T>> read, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                return await read(response);
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw LettersApiException.Unreachable(exception);
            }
        }
    }

    /// <summary>The body of a successful answer; any other answer as the problem it describes.</summary>
    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await SucceededAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    /// <summary>True for a successful answer; any other answer as the problem it describes.</summary>
    private static async Task<bool> SucceededAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.IsSuccessStatusCode ? true : throw await LettersApiException.FromResponseAsync(response, cancellationToken);
}
