using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SeLetters.Api.Security;

/// <summary>Lets a write through only with the configured API key; reads do not use this filter.</summary>
internal sealed class ApiKeyFilter(IOptions<ApiOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = options.Value.Key;
        if (string.IsNullOrEmpty(configured))
        {
            // Never open by accident: a server without a key accepts no writes at all.
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Writes are disabled",
                detail: "The server has no API key configured (Api:Key), so it accepts no writes.");
        }

        if (!context.HttpContext.Request.Headers.TryGetValue(ApiOptions.KeyHeader, out var sent) || string.IsNullOrEmpty(sent))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
                detail: $"Writes require the API key in the {ApiOptions.KeyHeader} header.");
        }

        // Constant time, over hashes so that not even the key's length shows in the time taken.
        if (!CryptographicOperations.FixedTimeEquals(Hash(sent.ToString()), Hash(configured)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong API key",
                detail: $"The {ApiOptions.KeyHeader} header does not hold this server's API key.");
        }

        return await next(context);
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
