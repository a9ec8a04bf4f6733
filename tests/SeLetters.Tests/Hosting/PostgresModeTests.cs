using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
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
