using Microsoft.AspNetCore.Antiforgery;

namespace SeLetters.Web.Security;

internal static class SessionEndpoints
{
    public const string SignOutPath = "/sign-out";

    /// <summary>Signing out is a form post (antiforgery-checked), so no link or image elsewhere can sign a user out.</summary>
    public static RouteHandlerBuilder MapSessionEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(SignOutPath, async (HttpContext httpContext) =>
            {
                await ApiKeySession.SignOutAsync(httpContext);
                return TypedResults.LocalRedirect("/");
            })
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
}
