using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using SeLetters.Api.Security;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Api;

/// <summary>The API in-process, on a database and catalogue of the test's own.</summary>
/// <remarks>
/// The entry point is named by a type of the API's assembly: the AppHost's top-level <c>Program</c> is public too.
/// </remarks>
public sealed class LettersApiFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<ApiOptions>
{
    public const string ApiKey = "test-key-0123456789abcdef";
    public const int MaxPoolSize = 20;

    private readonly Lock _start = new();

    /// <summary>What the API logged from warnings up.</summary>
    internal LoggedEntries Logged { get; } = new(LogLevel.Warning);

    /// <summary>
    /// The usual test setup: this database as the API's own role, the test key and the generated catalogue;
    /// <paramref name="overrides"/> win (a connection string among them is used as the API's role too).
    /// </summary>
    public static LettersApiFactory For(string connectionString, params (string Key, string? Value)[] overrides)
    {
        // A small pool: 50 concurrent clients then also exercise waiting for a connection, and the test server's
        // connection limit is shared by every test.
        var pooled = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = MaxPoolSize }.ConnectionString;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:lettersdb"] = pooled,
            ["Api:Key"] = ApiKey,
            ["Catalogue:Path"] = TestCatalogue.LowerCaseV2,
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        settings["ConnectionStrings:lettersdb"] = TestApiRole.ConnectionStringFor(settings["ConnectionStrings:lettersdb"]!);
        return new LettersApiFactory(settings);
    }

    /// <summary>A client that sends the API key, as the pipeline does.</summary>
    public HttpClient CreateWriter()
    {
        HttpClient client;
        // The first client starts the API, and WebApplicationFactory does not lock its start: 50 writers created at once
        // (ConcurrencyTests) started 50 APIs instead of sharing one and its pool.
        lock (_start)
        {
            client = CreateClient();
        }

        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Npgsql's pools outlive the app; each test's database would otherwise keep its idle connections open.
        if (settings["ConnectionStrings:lettersdb"] is { } connectionString)
        {
            Target.ClearPool(connectionString);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting, unlike ConfigureAppConfiguration, is in place before Program reads the configuration.
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        // The test server cannot limit a request body's size, and routing warns of it on every write.
        builder.ConfigureLogging(logging => logging.AddProvider(Logged).AddFilter<LoggedEntries>("Microsoft.AspNetCore.Routing", LogLevel.Error));
    }
}
