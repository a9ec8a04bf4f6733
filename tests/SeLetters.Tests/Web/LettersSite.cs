using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;
using SeLetters.Web.Components;

namespace SeLetters.Tests.Web;

/// <summary>
/// The letters browser as a person reaches it: the web app on a real Kestrel port (a browser needs one), talking to
/// the API through its typed client on <c>https+http://api</c>, the API in-process on a database of the test's own.
/// </summary>
public sealed class LettersSite : IAsyncDisposable
{
    private readonly LettersApiFactory _api;
    private readonly WebFactory _web;

    private LettersSite(string database, LettersApiFactory api, WebFactory web)
    {
        Database = database;
        _api = api;
        _web = web;
        BaseUrl = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public string Database { get; }

    /// <summary>The web app's address, e.g. http://127.0.0.1:40123.</summary>
    public string BaseUrl { get; }

    public static async Task<LettersSite> StartAsync(PostgresServerFixture postgres)
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var api = LettersApiFactory.For(database);
        var web = new WebFactory(api);
        web.StartOnFreePort();
        return new LettersSite(database, api, web);
    }

    /// <summary>A client of the API that sends the key, as the pipeline does (the tests' way of storing letters).</summary>
    public HttpClient CreateApiWriter() => _api.CreateWriter();

    public HttpClient CreateApiReader() => _api.CreateClient();

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
        await _api.DisposeAsync();
    }

    private sealed class WebFactory(LettersApiFactory api) : WebApplicationFactory<App>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Service discovery resolves https+http://api from configuration, as Aspire's WithReference sets it; the
            // requests then go to the in-process API.
            builder.UseSetting("services:api:http:0", "http://api");
            builder.ConfigureTestServices(services => services.ConfigureHttpClientDefaults(http =>
                http.ConfigurePrimaryHttpMessageHandler(() => api.Server.CreateHandler())));
        }
    }
}
