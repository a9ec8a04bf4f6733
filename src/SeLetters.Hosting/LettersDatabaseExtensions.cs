using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace SeLetters.Hosting;

/// <summary>The letters database and the server it lives on, whichever way the server is provided.</summary>
/// <param name="Database">The database as its owner (the server's superuser, or in external mode the given user) reaches it.</param>
/// <param name="Server">What dependants wait for: the server resource, or in external mode the connection string itself.</param>
/// <param name="Location">Where the database is, without any credentials: the server's host and port and the database,
/// or in external mode every setting of the given connection string but its user and password.</param>
public sealed record LettersDatabase(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResource> Server,
    PostgresMode Mode,
    ReferenceExpression Location)
{
    /// <summary>The connection string of another login role on the database: never the owner's credentials.</summary>
    public ReferenceExpression ConnectionStringAs(string role, IResourceBuilder<ParameterResource> password) =>
        ReferenceExpression.Create($"{Location};Username={role};Password={password.Resource}");
}

public static class LettersDatabaseExtensions
{
    public const string ServerResourceName = "postgres";
    public const string DatabaseResourceName = "lettersdb";
    public const string DatabaseName = "se_letters";

    private const string InstallAdvice =
        "Install and start Docker (or Podman, with ASPIRE_CONTAINER_RUNTIME=podman), or install the PostgreSQL server "
        + "(Debian/Ubuntu: apt-get install postgresql), or set Postgres:Mode=external and ConnectionStrings:lettersdb.";

    /// <summary>
    /// Adds the <c>postgres</c> server and the <c>lettersdb</c> database (<c>se_letters</c>), chosen by <c>Postgres:Mode</c>:
    /// a container where a container runtime works, else a server run from the installed binaries, else an external server.
    /// </summary>
    /// <exception cref="PostgresUnavailableException">No mode can work here; the message says what to install.</exception>
    public static LettersDatabase AddLettersDatabase(this IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetValue("Postgres:Mode", PostgresMode.Auto);
        var mode = ChooseMode(builder, configured);
        return mode switch
        {
            PostgresMode.Container => AddContainer(builder),
            PostgresMode.Local => AddLocal(builder),
            _ => AddExternal(builder),
        };
    }

    private static PostgresMode ChooseMode(IDistributedApplicationBuilder builder, PostgresMode configured)
    {
        // What is published describes the target environment, not this machine: always the container there.
        if (builder.ExecutionContext.IsPublishMode && configured != PostgresMode.External)
        {
            return PostgresMode.Container;
        }

        return configured switch
        {
            PostgresMode.Auto when ContainerRuntimeProbe.IsHealthy() => PostgresMode.Container,
            PostgresMode.Auto when FindInstallation(builder) is not null => PostgresMode.Local,
            PostgresMode.Auto => throw new PostgresUnavailableException(
                $"No PostgreSQL server is available: '{ContainerRuntimeProbe.RuntimeName} info' failed (no working container runtime) "
                + $"and no PostgreSQL server binaries were found (pg_config --bindir, /usr/lib/postgresql/*/bin). {InstallAdvice}"),
            PostgresMode.Container when !ContainerRuntimeProbe.IsHealthy() => throw new PostgresUnavailableException(
                $"Postgres:Mode is container, but '{ContainerRuntimeProbe.RuntimeName} info' failed: the container runtime is not running. {InstallAdvice}"),
            PostgresMode.Local when FindInstallation(builder) is null => throw new PostgresUnavailableException(
                $"Postgres:Mode is local, but no PostgreSQL server binaries were found (Postgres:BinDirectory, pg_config --bindir, /usr/lib/postgresql/*/bin). {InstallAdvice}"),
            // The API's connection string is built from its settings (all but the user and password), when publishing too.
            PostgresMode.External when string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(DatabaseResourceName)) =>
                throw new PostgresUnavailableException(
                    $"Postgres:Mode is external, but ConnectionStrings:{DatabaseResourceName} is not set. Set it to the letters database's connection string."),
            _ => configured,
        };
    }

    private static LocalPostgresInstallation? FindInstallation(IDistributedApplicationBuilder builder) =>
        LocalPostgresInstallation.Find(builder.Configuration["Postgres:BinDirectory"]);

    private static LettersDatabase AddContainer(IDistributedApplicationBuilder builder)
    {
        var server = builder.AddPostgres(ServerResourceName).WithDataVolume();
        var database = server.AddDatabase(DatabaseResourceName, DatabaseName);
        return new LettersDatabase(database, server, PostgresMode.Container, LocationOn(server.Resource.PrimaryEndpoint));
    }

    private static LettersDatabase AddExternal(IDistributedApplicationBuilder builder)
    {
        var database = builder.AddConnectionString(DatabaseResourceName);
        var given = new NpgsqlConnectionStringBuilder(builder.Configuration.GetConnectionString(DatabaseResourceName))
        {
            Username = null,
            Password = null,
            Passfile = null,
        };
        return new LettersDatabase(database, database, PostgresMode.External, ReferenceExpression.Create($"{given.ConnectionString}"));
    }

    private static ReferenceExpression LocationOn(EndpointReference server) => ReferenceExpression.Create(
        $"Host={server.Property(EndpointProperty.Host)};Port={server.Property(EndpointProperty.Port)};Database={DatabaseName}");

    private static LettersDatabase AddLocal(IDistributedApplicationBuilder builder)
    {
        var installation = FindInstallation(builder)!;
        var dataDirectory = builder.Configuration["Postgres:DataDirectory"] ?? DefaultDataDirectory(installation.MajorVersion);
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{ServerResourceName}-password", special: false);
        var script = Path.Combine(AppContext.BaseDirectory, "local-postgres.sh");

        var server = new LocalPostgresServerResource(ServerResourceName, script, password);
        var healthCheckKey = $"{ServerResourceName}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresConnectionHealthCheck(server), failureStatus: null, tags: null));

        var serverBuilder = builder.AddResource(server)
            .WithArgs(script, installation.BinDirectory, dataDirectory)
            .WithEndpoint(name: LocalPostgresServerResource.EndpointName, scheme: "tcp", env: "PGPORT")
            .WithEnvironment(context => context.EnvironmentVariables["POSTGRES_PASSWORD"] = password)
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();

        var database = new LocalPostgresDatabaseResource(DatabaseResourceName, DatabaseName, server);
        var databaseBuilder = builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.data_directory", dataDirectory)],
            })
            .ExcludeFromManifest();

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (@event, _) =>
            @event.Services.GetRequiredService<ResourceNotificationService>()
                .PublishUpdateAsync(database, state => state with { State = KnownResourceStates.Running }));

        return new LettersDatabase(databaseBuilder, serverBuilder, PostgresMode.Local, LocationOn(server.PrimaryEndpoint));
    }

    /// <summary>
    /// The user's local data folder, outside any repository. As root that folder (under /root, mode 700) is out of the
    /// postgres account's reach, so root gets /var/lib/seletters instead.
    /// </summary>
    private static string DefaultDataDirectory(int majorVersion)
    {
        var root = Environment.UserName == "root"
            ? "/var/lib/seletters"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "SeLetters");
        return Path.Combine(root, $"postgres-{majorVersion}");
    }
}
