using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using SeLetters.Web.Export;
using SeLetters.Web.Letters;
using SeLetters.Web.Security;

namespace SeLetters.Web.Extensions;

internal static class Extensions
{
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public static void AddWebServices(this IHostApplicationBuilder builder)
    {
        // Static server rendering: every page is HTML from the server, works without JavaScript, and no circuit is kept.
        builder.Services.AddRazorComponents();

        builder.Services.AddHttpClient<LettersApiClient>(client => client.BaseAddress = new Uri(LettersApiClient.ServiceAddress));
        // An export streams for as long as it has rows, and an XLSX export counts them before its first byte: the
        // standard handler's 10 s attempt timeout and its retries would cut it off or run it again.
#pragma warning disable EXTEXP0001 // The only way to take the defaults' resilience handler off one client.
        builder.Services.AddHttpClient<LetterExportProxy>(client =>
            {
                client.BaseAddress = new Uri(LettersApiClient.ServiceAddress);
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.AddDataProtection().SetApplicationName("SeLetters.Web");
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = ApiKeySession.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = SessionLifetime;
                options.SlidingExpiration = true;
                options.LoginPath = "/sign-in";
                options.AccessDeniedPath = "/sign-in";
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
    }
}
