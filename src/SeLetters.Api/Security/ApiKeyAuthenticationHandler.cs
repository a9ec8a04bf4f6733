using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SeLetters.Api.Security;

/// <summary>
/// Authenticates a request by the configured API key in <c>X-Api-Key</c>. An authentication handler rather than an
/// endpoint filter: it runs before the body is read, so an unauthenticated write is refused before its body is parsed.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiOptions> api,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (SentKey is not { } sent)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var configured = api.Value.Key;
        // Constant time, over hashes so that not even the key's length shows in the time taken.
        if (string.IsNullOrEmpty(configured) || !CryptographicOperations.FixedTimeEquals(Hash(sent), Hash(configured)))
        {
            return Task.FromResult(AuthenticateResult.Fail("Wrong API key"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>401 without a key, 403 with a wrong one, and 403 for everyone when the server has no key: never open by accident.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (status, title, detail) = (string.IsNullOrEmpty(api.Value.Key), SentKey is null) switch
        {
            (true, _) => (StatusCodes.Status403Forbidden, "Writes are disabled",
                "The server has no API key configured (Api:Key), so it accepts no writes."),
            (false, true) => (StatusCodes.Status401Unauthorized, "API key required",
                $"Writes require the API key in the {ApiOptions.KeyHeader} header."),
            _ => (StatusCodes.Status403Forbidden, "Wrong API key",
                $"The {ApiOptions.KeyHeader} header does not hold this server's API key."),
        };

        Response.StatusCode = status;
        return problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    private string? SentKey => Request.Headers.TryGetValue(ApiOptions.KeyHeader, out var sent) && !string.IsNullOrEmpty(sent) ? sent.ToString() : null;

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
