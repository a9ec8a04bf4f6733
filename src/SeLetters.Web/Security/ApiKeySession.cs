using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SeLetters.Web.Security;

/// <summary>
/// A signed-in engineer's session: the API key they gave, kept in the authentication cookie, which Data Protection
/// encrypts and signs; the browser holds it but can neither read nor change it (HttpOnly, never sent to scripts).
/// The web app sends the key to the API as X-Api-Key for writes.
/// </summary>
public static class ApiKeySession
{
    public const string CookieName = "seletters-session";
    private const string KeyClaim = "seletters:api-key";

    /// <summary>The signed-in user's API key; null when nobody is signed in.</summary>
    public static string? KeyOf(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirstValue(KeyClaim) : null;

    public static Task SignInAsync(HttpContext httpContext, string apiKey) =>
        httpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "engineer"), new Claim(KeyClaim, apiKey)], CookieAuthenticationDefaults.AuthenticationScheme)));

    public static Task SignOutAsync(HttpContext httpContext) =>
        httpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);

    /// <summary>Where to go after signing in: a path of this site only, never another site (an open redirect).</summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is ['/', not ('/' or '\\'), ..] or "/" ? returnUrl : "/";
}
