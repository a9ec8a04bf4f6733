using Microsoft.Extensions.Options;
using Npgsql;

namespace SeLetters.MigrationService;

/// <summary>
/// Ensures the login role the API uses: it may read and write the rows of every table, but not change the schema
/// (no CREATE on the schema, owns nothing, so it can neither create nor drop tables). The migration service owns the schema.
/// </summary>
internal sealed partial class ApiRoleProvisioner(IOptions<ApiRoleOptions> options, ILogger<ApiRoleProvisioner> logger)
{
    // Each statement is written by the server with format(): %I quotes the role and database names, %L the password.
    // Role names and passwords come from configuration, and even so are never pasted into SQL here.
    private static readonly string[] Grants =
    [
        "SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), @role)",
        "SELECT format('GRANT USAGE ON SCHEMA public TO %I', @role)",
        "SELECT format('REVOKE CREATE ON SCHEMA public FROM %I', @role)",
        "SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', @role)",
        "SELECT format('REVOKE INSERT, UPDATE, DELETE ON TABLE \"__EFMigrationsHistory\" FROM %I', @role)",
        "SELECT format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', @role)",
        // Tables and sequences later migrations create, as the same owner, are granted too.
        "SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', @role)",
        "SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', @role)",
    ];

    public async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var (role, password) = (options.Value.ApiRole, options.Value.ApiPassword);
        if (string.IsNullOrEmpty(password))
        {
            LogSkipped(logger);
            return;
        }

        await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role)", connection);
        exists.Parameters.AddWithValue("role", role);
        try
        {
            var verb = (bool)(await exists.ExecuteScalarAsync(cancellationToken))! ? "ALTER" : "CREATE";
            await SetRoleAsync(connection, verb, role, password, cancellationToken);
        }
        catch (PostgresException duplicate) when (duplicate.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Roles belong to the server, not the database: the migration of another database created it meanwhile.
            await SetRoleAsync(connection, "ALTER", role, password, cancellationToken);
        }

        foreach (var grant in Grants)
        {
            await ExecuteFormattedAsync(connection, grant, role, password: null, cancellationToken);
        }

        LogEnsured(logger, role);
    }

    private static Task SetRoleAsync(NpgsqlConnection connection, string verb, string role, string password, CancellationToken cancellationToken) =>
        ExecuteFormattedAsync(connection,
            $"SELECT format('{verb} ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', @role, @password)",
            role, password, cancellationToken);

    private static async Task ExecuteFormattedAsync(NpgsqlConnection connection, string formatQuery, string role, string? password, CancellationToken cancellationToken)
    {
        await using var format = new NpgsqlCommand(formatQuery, connection);
        format.Parameters.AddWithValue("role", role);
        if (password is not null)
        {
            format.Parameters.AddWithValue("password", password);
        }

        var statement = (string)(await format.ExecuteScalarAsync(cancellationToken))!;
        await using var command = new NpgsqlCommand(statement, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No Database:ApiPassword configured; the API role is not managed")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The API role {Role} can read and write rows, not change the schema")]
    private static partial void LogEnsured(ILogger logger, string role);
}
