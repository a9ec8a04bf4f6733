using Microsoft.Extensions.Options;
using Npgsql;
using SeLetters.Data;

namespace SeLetters.MigrationService.Privileges;

/// <summary>
/// Ensures the login role the API connects as holds what the API needs in this database and nothing more: CONNECT, the
/// rows of <see cref="ApiTableGrants"/> and the sequences of their ids. No CREATE anywhere (PUBLIC loses CREATE on the
/// schema, which PostgreSQL 14 and older give it, and TEMPORARY on the database), no default privileges that would
/// hand it the tables of later migrations, no role memberships, and it owns nothing. Run after the migrations and after
/// a restore, so every table is covered; what it cannot take away (a grant by another role) fails the run, named.
/// </summary>
internal sealed partial class ApiRoleProvisioner(IOptions<ApiRoleOptions> options, ILogger<ApiRoleProvisioner> logger)
{
    private const string Attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT";

    private static readonly string[] TablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];

    public async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var (role, password) = (options.Value.ApiRole, options.Value.ApiPassword);
        var exists = await CheckFitAsync(connection, role, cancellationToken);
        if (!string.IsNullOrEmpty(password))
        {
            await SetLoginAsync(connection, role, exists, password, cancellationToken);
        }
        else if (!exists)
        {
            LogSkipped(logger, role);
            return;
        }

        await GrantAsync(connection, role, cancellationToken);
        if (await FindExcessAsync(connection, role, cancellationToken) is { Count: > 0 } excess)
        {
            throw new OperatorException(
                $"The API role {role} holds more than the API needs and the migration service cannot take it away: {string.Join("; ", excess)}.");
        }

        LogEnsured(logger, role, ApiTableGrants.Tables.Count);
    }

    /// <summary>Whether the role exists; refuses a role that is not fit to be the API's alone.</summary>
    private static async Task<bool> CheckFitAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT r.rolname = current_user, r.rolsuper,
                   EXISTS (SELECT FROM pg_shdepend d WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = r.oid AND d.deptype = 'o')
            FROM pg_roles r WHERE r.rolname = @role
            """, connection);
        command.Parameters.AddWithValue("role", role);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return false;
        }

        var why = (Self: reader.GetBoolean(0), Superuser: reader.GetBoolean(1), Owner: reader.GetBoolean(2)) switch
        {
            { Self: true } => "it is the role the migration service connects as, the schema's owner",
            { Superuser: true } => "it is a superuser",
            { Owner: true } => "it owns objects",
            _ => null,
        };
        return why is null
            ? true
            : throw new OperatorException($"Database:ApiRole names {role}, but {why}: the API needs a role of its own that owns nothing.");
    }

    private static async Task SetLoginAsync(NpgsqlConnection connection, string role, bool exists, string password, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, LoginStatement(exists ? "ALTER" : "CREATE", role, password), cancellationToken);
        }
        catch (PostgresException duplicate) when (duplicate.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Roles belong to the server, not the database: the migration of another database created it meanwhile.
            await ExecuteAsync(connection, LoginStatement("ALTER", role, password), cancellationToken);
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new OperatorException(
                $"The migration service may not create or change the role {role} ({refused.MessageText}): give its role CREATEROLE, "
                + "or have an administrator create the role with the API's password and run the migration service without Database:ApiPassword.", refused);
        }
    }

    // The verifier is base64 with '$' and ':' only, a safe literal; the role name is quoted.
    private static string LoginStatement(string verb, string role, string password) =>
        $"{verb} ROLE {SqlIdentifier.Quote(role)} {Attributes} PASSWORD '{ScramVerifier.Compute(password)}'";

    /// <summary>Takes everything away and grants the list again, in one transaction: the API never sees a table without its grant.</summary>
    private static async Task GrantAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var grantee = SqlIdentifier.Quote(role);
        var database = SqlIdentifier.Quote(connection.Database);
        var memberships = await ReadTextsAsync(connection,
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = @role",
            cancellationToken, ("role", role));
        var sequences = await ReadTextsAsync(connection,
            """
            SELECT s.relname FROM pg_class s
            JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
            JOIN pg_class t ON t.oid = d.refobjid
            WHERE s.relkind = 'S' AND t.relnamespace = 'public'::regnamespace AND t.relname = ANY(@tables)
            """, cancellationToken, ("tables", ApiTableGrants.Tables.Select(grant => grant.Table).ToArray()));

        string[] statements =
        [
            .. memberships.Select(membership => $"REVOKE {SqlIdentifier.Quote(membership)} FROM {grantee}"),
            $"REVOKE ALL ON DATABASE {database} FROM {grantee}",
            $"REVOKE CREATE, TEMPORARY ON DATABASE {database} FROM PUBLIC",
            $"GRANT CONNECT ON DATABASE {database} TO {grantee}",
            $"REVOKE ALL ON SCHEMA public FROM {grantee}",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            $"GRANT USAGE ON SCHEMA public TO {grantee}",
            $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {grantee}",
            $"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {grantee}",
            $"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {grantee}",
            // Earlier versions granted the role whatever later migrations would create.
            .. new[] { "TABLES", "SEQUENCES", "FUNCTIONS", "TYPES" }.Select(kind => $"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON {kind} FROM {grantee}"),
            .. ApiTableGrants.Tables.Select(grant => $"GRANT {grant.Privileges} ON TABLE public.{SqlIdentifier.Quote(grant.Table)} TO {grantee}"),
            .. sequences.Select(sequence => $"GRANT USAGE ON SEQUENCE public.{SqlIdentifier.Quote(sequence)} TO {grantee}"),
        ];
        foreach (var statement in statements)
        {
            await ExecuteAsync(connection, statement, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// What the role can still do beyond its grants, as the server reports it: through PUBLIC or grants by other roles,
    /// which a REVOKE by this role leaves in place (with a warning only).
    /// </summary>
    private static Task<List<string>> FindExcessAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken) =>
        ReadTextsAsync(connection,
            """
            WITH api AS (SELECT oid FROM pg_roles WHERE rolname = @role)
            SELECT 'it may create objects in the schema public (run as its owner: REVOKE CREATE ON SCHEMA public FROM PUBLIC)'
                FROM api WHERE has_schema_privilege(api.oid, 'public', 'CREATE')
            UNION ALL SELECT format('it may create schemas or temporary tables (run as the owner of the database: REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC)', current_database())
                FROM api WHERE has_database_privilege(api.oid, current_database(), 'CREATE') OR has_database_privilege(api.oid, current_database(), 'TEMPORARY')
            UNION ALL SELECT format('it is a member of %s', m.roleid::regrole) FROM api JOIN pg_auth_members m ON m.member = api.oid
            UNION ALL SELECT format('it gets default privileges from %s', d.defaclrole::regrole)
                FROM api, pg_default_acl d, aclexplode(d.defaclacl) a WHERE a.grantee = api.oid
            UNION ALL SELECT format('it may %s %I', p.privilege, c.relname)
                FROM api, pg_class c, unnest(@privileges) p(privilege)
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND has_table_privilege(api.oid, c.oid, p.privilege) AND NOT c.relname || ':' || p.privilege = ANY(@granted)
            """,
            cancellationToken,
            ("role", role),
            ("privileges", TablePrivileges),
            ("granted", ApiTableGrants.Tables.SelectMany(grant => grant.Privileges.Split(", ").Select(privilege => $"{grant.Table}:{privilege}")).ToArray()));

    /// <summary>The first column of every row.</summary>
    private static async Task<List<string>> ReadTextsAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var texts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string statement, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(statement, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No Database:ApiPassword configured and no role {Role}: the API role is not managed")]
    private static partial void LogSkipped(ILogger logger, string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "The API role {Role} may read and write the rows of {Tables} tables and nothing else")]
    private static partial void LogEnsured(ILogger logger, string role, int tables);
}
