using Microsoft.Playwright;

namespace SeLetters.Tests.Web;

/// <summary>
/// One headless Chromium for a test class: Debian's package, driven by Playwright (whose own browser download cannot
/// reach its CDN here). <c>SELETTERS_CHROMIUM</c> points at another binary.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ExecutableVariable = "SELETTERS_CHROMIUM";
    public const string DefaultExecutable = "/usr/lib/chromium/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : DefaultExecutable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"No Chromium at {executable}: install Debian's package (apt-get install chromium, as scripts/setup.sh does) or set {ExecutableVariable} to a Chromium binary.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true });
    }

    /// <summary>A fresh browser profile (no cookies), in the light colour scheme, downloads accepted.</summary>
    public Task<IBrowserContext> NewContextAsync(string baseUrl, bool javaScript = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            AcceptDownloads = true,
            ColorScheme = ColorScheme.Light,
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
