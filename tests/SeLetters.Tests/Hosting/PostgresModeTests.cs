using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Npgsql;
using SeLetters.Hosting;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Hosting;

/// <summary>How the app model gets its PostgreSQL server, decided before any resource starts.</summary>
public sealed class PostgresModeTests
{
    [Fact]
    public void Local_mode_runs_the_installed_binaries_as_an_executable_with_a_health_check()
    {
        var builder = DistributedApplication.CreateBuilder(["Postgres:Mode=local", "Postgres:DataDirectory=/tmp/seletters-unused"]);

        var letters = builder.AddLettersDatabase();

        Assert.Equal(PostgresMode.Local, letters.Mode);
        var server = Assert.IsType<LocalPostgresServerResource>(letters.Server.Resource);
        Assert.Equal("postgres", server.Name);
        Assert.Contains(server.Annotations, annotation => annotation is HealthCheckAnnotation);
        var database = Assert.IsType<LocalPostgresDatabaseResource>(letters.Database.Resource);
        Assert.Equal(("lettersdb", "se_letters"), (database.Name, database.DatabaseName));
        Assert.DoesNotContain(builder.Resources, resource => resource is ContainerResource);
    }

    [Fact]
    public void External_mode_uses_the_given_connection_string()
    {
        var builder = DistributedApplication.CreateBuilder(["Postgres:Mode=external", "ConnectionStrings:lettersdb=Host=db.example;Database=se_letters"]);

        var letters = builder.AddLettersDatabase();

        Assert.Equal(PostgresMode.External, letters.Mode);
        Assert.Equal("lettersdb", letters.Database.Resource.Name);
        Assert.DoesNotContain(builder.Resources, resource => resource is ContainerResource or ExecutableResource);
    }

    [Fact]
    public async Task External_mode_gives_another_role_every_setting_of_the_given_connection_string_but_its_credentials()
    {
        var builder = DistributedApplication.CreateBuilder(["Postgres:Mode=external",
            "ConnectionStrings:lettersdb=Host=db.example;Port=6432;Database=se_letters;Username=owner;Password=owner-secret;SSL Mode=Require"]);
        var letters = builder.AddLettersDatabase();
        var password = builder.AddParameter("api-db-password", "api-secret", secret: true);

        var expression = letters.ConnectionStringAs("seletters_api", password);
        var given = new NpgsqlConnectionStringBuilder(await expression.GetValueAsync(CancellationToken.None));

        Assert.Equal(("db.example", 6432, "se_letters", SslMode.Require), (given.Host, given.Port, given.Database, given.SslMode));
        Assert.Equal(("seletters_api", "api-secret"), (given.Username, given.Password));
        Assert.DoesNotContain("owner", expression.ValueExpression);
    }

    [Fact]
    public void Local_mode_gives_another_role_the_servers_host_and_port()
    {
        var builder = DistributedApplication.CreateBuilder(["Postgres:Mode=local", "Postgres:DataDirectory=/tmp/seletters-unused"]);
        var letters = builder.AddLettersDatabase();
        var password = builder.AddParameter("api-db-password", secret: true);

        Assert.Equal("Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Database=se_letters;Username=seletters_api;Password={api-db-password.value}",
            letters.ConnectionStringAs("seletters_api", password).ValueExpression);
    }

    [Theory]
    [InlineData("Postgres:Mode=external", "ConnectionStrings:lettersdb")]
    [InlineData("Postgres:BinDirectory=/nonexistent", "apt-get install postgresql")]
    public void A_mode_that_cannot_work_fails_fast_saying_what_to_do(string setting, string advice)
    {
        var mode = setting.StartsWith("Postgres:Mode", StringComparison.Ordinal) ? setting : "Postgres:Mode=local";
        var builder = DistributedApplication.CreateBuilder([mode, setting]);

        var error = Assert.Throws<PostgresUnavailableException>(() => builder.AddLettersDatabase());

        Assert.Contains(advice, error.Message);
    }

    [Fact]
    public async Task The_apphost_prints_one_line_and_exits_non_zero_when_no_postgres_can_be_had()
    {
        var run = await BuiltProgram.RunAsync(
            "SeLetters.AppHost",
            new Dictionary<string, string>(),
            ["--Postgres:Mode=local", "--Postgres:BinDirectory=/nonexistent"],
            TimeSpan.FromMinutes(1));

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("apt-get install postgresql", line);
    }
}
