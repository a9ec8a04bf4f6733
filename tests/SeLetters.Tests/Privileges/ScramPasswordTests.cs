using Npgsql;
using SeLetters.MigrationService.Privileges;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Privileges;

/// <summary>The API role's password reaches the server only as its SCRAM-SHA-256 verifier.</summary>
public sealed class ScramPasswordTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Theory]
    [InlineData("simple")]
    [InlineData("it's a secret; DROP TABLE letters; --")]
    [InlineData("pässwörd ünïcödé 🦆")]
    public async Task The_verifier_is_the_one_postgresql_computes_from_the_password_with_the_same_salt(string password)
    {
        var role = $"scram_{Guid.NewGuid():N}";
        var literal = password.Replace("'", "''", StringComparison.Ordinal);
        await Target.ExecuteAsync(postgres.ServerConnectionString, $"SET password_encryption = 'scram-sha-256'; CREATE ROLE {role} PASSWORD '{literal}'");
        try
        {
            var stored = await Target.ScalarAsync<string>(postgres.ServerConnectionString, $"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'");
            var parts = stored.Split('$', ':');
            Assert.Equal("SCRAM-SHA-256", parts[0]);

            Assert.Equal(stored, ScramVerifier.Compute(password, Convert.FromBase64String(parts[2]), int.Parse(parts[1])));
        }
        finally
        {
            await Target.ExecuteAsync(postgres.ServerConnectionString, $"DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task The_role_logs_in_with_its_password_which_the_server_never_receives()
    {
        await using var server = await ScratchPostgresServer.StartMigratedAsync();
        await Target.ExecuteAsync(server.ConnectionString, "ALTER SYSTEM SET log_statement = 'ddl'; SELECT pg_reload_conf()");
        var password = $"never-logged-{Guid.NewGuid():N}";

        // Twice: the first run creates the role, the second changes its password.
        for (var run = 0; run < 2; run++)
        {
            var migrated = await MigrationServiceProcess.RunAsync(server.ConnectionString,
                new Dictionary<string, string> { ["Database__ApiRole"] = "logged_api", ["Database__ApiPassword"] = password });
            Assert.True(migrated.ExitCode == 0, migrated.Output);
        }

        var asApi = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = "logged_api", Password = password, Pooling = false };
        Assert.Equal("logged_api", await Target.ScalarAsync<string>(asApi.ConnectionString, "SELECT current_user"));
        asApi.Password = "not-" + password;
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Target.ScalarAsync<string>(asApi.ConnectionString, "SELECT current_user"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

        Assert.StartsWith("SCRAM-SHA-256$4096:", await Target.ScalarAsync<string>(server.ConnectionString, "SELECT rolpassword FROM pg_authid WHERE rolname = 'logged_api'"));
        Assert.DoesNotContain(password, server.Log);
        // Logged as a statement (simple protocol) or as the execution of one (extended, as Npgsql sends it).
        Assert.Matches("(statement|execute <unnamed>): CREATE ROLE \"?logged_api", server.Log);
        Assert.Matches("(statement|execute <unnamed>): ALTER ROLE \"?logged_api", server.Log);
    }
}
