using System.Text.Json;
using System.Text.RegularExpressions;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.AppModel;

/// <summary>What `azd up` deploys: the AppHost's publish output (the Aspire manifest).</summary>
public sealed partial class PublishManifestTests(PublishedManifest manifest) : IClassFixture<PublishedManifest>
{
    private readonly JsonElement _resources = manifest.Resources;

    [Fact]
    public void Publishes_the_postgres_container_and_the_lettersdb_database()
    {
        Assert.Equal("container.v0", Resource("postgres").GetProperty("type").GetString());
        Assert.StartsWith("docker.io/library/postgres:", Resource("postgres").GetProperty("image").GetString());
        Assert.Contains("Database=se_letters", Resource("lettersdb").GetProperty("connectionString").GetString());
    }

    [Fact]
    public void Publishes_the_migration_service_and_the_api_with_an_external_http_endpoint()
    {
        Assert.Equal("project.v0", Resource("migrations").GetProperty("type").GetString());
        Assert.Equal("project.v0", Resource("api").GetProperty("type").GetString());
        var http = Resource("api").GetProperty("bindings").GetProperty("http");
        Assert.True(http.GetProperty("external").GetBoolean());
    }

    [Fact]
    public void Gives_the_owners_connection_string_to_the_migration_service_and_the_api_one_of_its_own_role()
    {
        var migrations = Resource("migrations").GetProperty("env");
        Assert.Equal("{lettersdb.connectionString}", migrations.GetProperty("ConnectionStrings__lettersdb").GetString());
        Assert.Equal("seletters_api", migrations.GetProperty("Database__ApiRole").GetString());
        Assert.Equal("{api-db-password.value}", migrations.GetProperty("Database__ApiPassword").GetString());

        var api = Resource("api").GetProperty("env").GetProperty("ConnectionStrings__lettersdb").GetString()!;
        Assert.Contains("Username=seletters_api;Password={api-db-password.value}", api);
        Assert.Contains("Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Database=se_letters", api);
    }

    [Fact]
    public void Nothing_the_api_is_given_leads_to_the_owners_password()
    {
        // What a value in the api's environment is made of, resource after resource (a binding is a host or a port).
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([Resource("api").GetProperty("env").GetRawText()]);
        while (pending.TryDequeue(out var expression))
        {
            foreach (var name in ValueReference().Matches(expression).Select(reference => reference.Groups[1].Value))
            {
                if (reached.Add(name) && _resources.TryGetProperty(name, out var resource))
                {
                    foreach (var part in new[] { "connectionString", "value" })
                    {
                        if (resource.TryGetProperty(part, out var value))
                        {
                            pending.Enqueue(value.GetRawText());
                        }
                    }
                }
            }
        }

        Assert.Contains("api-db-password", reached);
        Assert.DoesNotContain("postgres-password", reached);
        Assert.DoesNotContain("postgres-password", Resource("api").GetRawText());
    }

    [Fact]
    public void Publishes_the_web_app_with_an_external_http_endpoint_and_the_apis_address()
    {
        var web = Resource("web");
        Assert.Equal("project.v0", web.GetProperty("type").GetString());
        Assert.True(web.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.Contains(web.GetProperty("env").EnumerateObject(), variable => variable.Name.StartsWith("services__api__", StringComparison.Ordinal));
        Assert.DoesNotContain(web.GetProperty("env").EnumerateObject(), variable => variable.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
    }

    [Fact]
    public void Leaves_the_local_postgres_fallback_out()
    {
        Assert.DoesNotContain(_resources.EnumerateObject(), resource => resource.Value.GetProperty("type").GetString() == "executable.v0");
        Assert.DoesNotContain("/usr/lib/postgresql", _resources.GetRawText());
    }

    [Fact]
    public void Holds_secrets_only_as_secret_parameters()
    {
        var parameters = _resources.EnumerateObject().Where(resource => resource.Value.GetProperty("type").GetString() == "parameter.v0").ToList();
        Assert.Contains(parameters, parameter => parameter.Name == "postgres-password");
        Assert.All(
            parameters.Where(parameter => SecretName().IsMatch(parameter.Name)),
            parameter => Assert.True(parameter.Value.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean(), parameter.Name));

        // Every password in a connection string or variable is a reference to a parameter, never a literal.
        foreach (Match password in LiteralPassword().Matches(_resources.GetRawText()))
        {
            Assert.Fail($"A literal password is published: {password.Value}");
        }
    }

    private JsonElement Resource(string name) => _resources.GetProperty(name);

    /// <summary>A manifest expression that stands for another resource's value: <c>{resource.connectionString}</c>, <c>{parameter.value}</c>.</summary>
    [GeneratedRegex(@"\{([A-Za-z0-9_-]+)\.(?:connectionString|value)\}")]
    private static partial Regex ValueReference();

    [GeneratedRegex("password|key|secret", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(Password=|PASSWORD"":\s*"")(?!\{)[^;""]+", RegexOptions.IgnoreCase)]
    private static partial Regex LiteralPassword();
}

/// <summary>The AppHost published once for all of <see cref="PublishManifestTests"/>: its manifest's resources.</summary>
public sealed class PublishedManifest : IAsyncLifetime
{
    private readonly TempFolder _output = new("publish");

    public JsonElement Resources { get; private set; }

    public async Task InitializeAsync()
    {
        var manifestPath = Path.Combine(_output.Path, "aspire-manifest.json");
        var run = await BuiltProgram.RunAsync(
            "SeLetters.AppHost",
            new Dictionary<string, string>(),
            ["--publisher", "manifest", "--output-path", manifestPath],
            TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.Output);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
        Resources = manifest.RootElement.GetProperty("resources").Clone();
    }

    public Task DisposeAsync()
    {
        _output.Dispose();
        return Task.CompletedTask;
    }
}
