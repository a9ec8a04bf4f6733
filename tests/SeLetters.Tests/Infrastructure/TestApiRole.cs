using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SeLetters.MigrationService.Privileges;

namespace SeLetters.Tests.Infrastructure;

/// <summary>
/// The API's own database role, as the migration service provisions it: every API the tests start connects as this
/// role (never as the owner the tests seed and inspect with), so the API tests show its grants are enough.
/// </summary>
public static class TestApiRole
{
    public const string Name = "seletters_api";

    /// <summary>One per test run: roles belong to a server, and each run has servers of its own.</summary>
    public static readonly string Password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    // The role is one row of the server's, which tests running in parallel would create or alter at once (a unique
    // violation, or "tuple concurrently updated").
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>Creates the role, or sets its password, and grants it what the API needs in this database.</summary>
    public static async Task ProvisionAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await OneAtATime.WaitAsync();
        try
        {
            await Provisioner(Name, Password).EnsureAsync(connection, CancellationToken.None);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>The same database, server and settings, as the API's role.</summary>
    public static string ConnectionStringFor(string ownerConnectionString) =>
        new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = Name, Password = Password }.ConnectionString;

    internal static ApiRoleProvisioner Provisioner(string role, string? password) =>
        new(Options.Create(new ApiRoleOptions { ApiRole = role, ApiPassword = password }), NullLogger<ApiRoleProvisioner>.Instance);
}
