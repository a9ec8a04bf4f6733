using Npgsql;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Privileges;

/// <summary>
/// What the API's role may do, as the database reports it, after the migration service provisioned it: the rows of the
/// letters and of what their triggers write, nothing the migration service trusts, no schema change of any kind.
/// </summary>
public sealed class ApiRolePrivilegeTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>, IAsyncLifetime
{
    private const string Owner = "";
    private const string ReadWrite = "SELECT, INSERT, UPDATE, DELETE";

    /// <summary>Every table of the schema and what the API's role holds on it; a table missing here fails the test.</summary>
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["letters"] = ReadWrite,
        ["letter_products"] = ReadWrite,
        ["letter_product_matches"] = ReadWrite,
        ["processing_debug"] = ReadWrite,
        ["derived_rows_pending"] = "SELECT, INSERT, DELETE",
        ["letter_search"] = "SELECT, INSERT, UPDATE",
        ["letter_product_search"] = ReadWrite,
        ["letter_ranges"] = "SELECT, INSERT, DELETE",
        ["letter_statistics"] = ReadWrite,
        ["letter_statistics_changes"] = "SELECT, INSERT, DELETE",
        ["letter_statistics_current"] = "SELECT",
        ["__EFMigrationsHistory"] = Owner,
        ["import_runs"] = Owner,
        ["import_table_progress"] = Owner,
        ["import_dropped_indexes"] = Owner,
        ["migration_quarantine"] = Owner,
    };

    private readonly string _role = $"api_{Guid.NewGuid():N}";
    private const string Password = "it's a secret; DROP TABLE letters; --";
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = await postgres.CreateMigratedDatabaseAsync();
        await ProvisionAsync(_database);
    }

    private string AsApi => new NpgsqlConnectionStringBuilder(_database) { Username = _role, Password = Password, Pooling = false }.ConnectionString;

    [Fact]
    public async Task The_role_holds_exactly_the_api_tables_privileges_and_nothing_on_the_tables_the_migration_service_trusts()
    {
        var actual = await PrivilegesAsync(_database, _role);

        Assert.Equal(Expected.OrderBy(table => table.Key, StringComparer.Ordinal), actual.OrderBy(table => table.Key, StringComparer.Ordinal));
        // What the role may run runs as the role: EXECUTE (which PUBLIC holds) gives nothing beyond these grants.
        Assert.Equal(0L, await Target.ScalarAsync<long>(_database, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND prosecdef"));
    }

    [Fact]
    public async Task Every_schema_change_and_every_touch_of_the_migration_services_tables_is_refused()
    {
        string[] forbidden =
        [
            "CREATE TABLE public.intruder (id int)",
            "CREATE TABLE intruder (id int)",
            "CREATE TEMP TABLE intruder (id int)",
            "CREATE SCHEMA intruder",
            "CREATE VIEW intruder AS SELECT 1",
            "CREATE SEQUENCE intruder",
            "CREATE TYPE intruder AS (id int)",
            "CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS 'SELECT ''pwned'''",
            "CREATE FUNCTION pg_temp.intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "ALTER TABLE letters ADD COLUMN intruder int",
            "ALTER TABLE letters DISABLE TRIGGER USER",
            "ALTER FUNCTION fold_letter_statistics() SECURITY DEFINER",
            "CREATE OR REPLACE FUNCTION refresh_letter_search() RETURNS void LANGUAGE sql AS 'SELECT'",
            "CREATE INDEX intruder ON letters (status)",
            "CREATE TRIGGER intruder AFTER INSERT ON letters FOR EACH ROW EXECUTE FUNCTION letter_search_changed()",
            "COMMENT ON TABLE letters IS 'intruder'",
            "DROP TABLE letters",
            "DROP FUNCTION fold_letter_statistics()",
            "TRUNCATE letters",
            "TRUNCATE letter_statistics",
            "UPDATE letter_statistics_changes SET value = 0",
            "SELECT setval('letters_id_seq', 1)",
            "SELECT * FROM \"__EFMigrationsHistory\"",
            "INSERT INTO \"__EFMigrationsHistory\" VALUES ('x', 'y')",
            "DELETE FROM \"__EFMigrationsHistory\"",
            "SELECT * FROM import_runs",
            "INSERT INTO import_runs (source_path) VALUES ('/intruder')",
            "SELECT nextval('import_runs_id_seq')",
            "SELECT * FROM import_table_progress",
            "DELETE FROM import_table_progress",
            "SELECT * FROM import_dropped_indexes",
            "INSERT INTO import_dropped_indexes (index_name, table_name, definition) VALUES ('x', 'letters', 'CREATE ROLE intruder SUPERUSER')",
            "UPDATE import_dropped_indexes SET definition = 'CREATE ROLE intruder SUPERUSER'",
            "SELECT * FROM migration_quarantine",
            "INSERT INTO migration_quarantine (source_table, source_id, source_row, reason) VALUES ('letters', 1, '{}', 'x')",
            "UPDATE migration_quarantine SET reason = 'x'",
            "BEGIN; LOCK TABLE import_runs; COMMIT",
            "SET ROLE postgres",
            "ALTER ROLE CURRENT_USER CREATEDB",
            "ALTER ROLE CURRENT_USER SUPERUSER",
        ];

        var allowed = new List<string>();
        foreach (var statement in forbidden)
        {
            try
            {
                await Target.ExecuteAsync(AsApi, statement);
                allowed.Add($"{statement}: ran");
            }
            catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
            }
            catch (PostgresException other)
            {
                allowed.Add($"{statement}: {other.SqlState} {other.MessageText}");
            }
        }

        Assert.Empty(allowed);
        Assert.Equal(0L, await Target.ScalarAsync<long>(_database, "SELECT count(*) FROM pg_class WHERE relname = 'intruder'"));
    }

    [Fact]
    public async Task Every_write_the_api_makes_works_as_the_role_with_its_triggers()
    {
        await using var connection = new NpgsqlConnection(AsApi);
        await connection.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Target.ExecuteAsync(connection, """
                WITH letter AS (INSERT INTO letters (document_name, source_file_path, status, extraction_confidence) VALUES ('a.pdf', '/a.pdf', 'processed', 0.9) RETURNING id),
                     product AS (INSERT INTO letter_products (letter_id, product_identifier, range_label) SELECT id, 'LC1D09M7', 'TeSys D' FROM letter RETURNING id, letter_id)
                INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence)
                SELECT letter_id, id, 'LC1D09M7', 0.8 FROM product
                """);
            await Target.ExecuteAsync(connection, "INSERT INTO processing_debug (letter_id, processing_step) SELECT id, 'ocr' FROM letters");
            await transaction.CommitAsync();
        }

        await Target.ExecuteAsync(connection, "UPDATE letters SET status = 'failed', document_title = 'Sepam'");
        await Target.ExecuteAsync(connection, "SELECT fold_letter_statistics()");
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT value FROM letter_statistics_current WHERE metric = 'status' AND bucket = 'failed'"));
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM letter_search WHERE search_text LIKE '%sepam%'"));
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM letter_product_search WHERE letter_text LIKE '%sepam%'"));

        await Target.ExecuteAsync(connection, "DELETE FROM letter_products");
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM letter_product_search"));
        await Target.ExecuteAsync(connection, "DELETE FROM letters");
        await Target.ExecuteAsync(connection, "SELECT fold_letter_statistics()");
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM letter_statistics_current"));
    }

    [Fact]
    public async Task The_role_owns_nothing_belongs_to_no_role_and_gets_no_future_tables()
    {
        await Target.ExecuteAsync(_database, "CREATE TABLE import_later (id int)");

        Assert.Equal(0L, await Target.ScalarAsync<long>(_database, RoleQuery("SELECT count(*) FROM pg_shdepend d WHERE d.refobjid = (SELECT oid FROM role) AND d.deptype = 'o'")));
        Assert.Equal(0L, await Target.ScalarAsync<long>(_database, RoleQuery("SELECT count(*) FROM pg_auth_members WHERE member = (SELECT oid FROM role)")));
        Assert.Equal(0L, await Target.ScalarAsync<long>(_database, RoleQuery("SELECT count(*) FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE a.grantee = (SELECT oid FROM role)")));
        Assert.Equal(0L, await Target.ScalarAsync<long>(_database, RoleQuery("SELECT count(*) FROM pg_roles WHERE oid = (SELECT oid FROM role) AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls OR rolinherit)")));
        Assert.Equal("", (await PrivilegesAsync(_database, _role))["import_later"]);
    }

    [Fact]
    public async Task A_database_provisioned_by_an_earlier_version_loses_every_grant_beyond_the_apis()
    {
        // What the previous provisioning left: rows of every table, future tables, CREATE for PUBLIC (PostgreSQL 14 and
        // older give it to everyone), temporary tables.
        foreach (var grant in new[]
                 {
                     $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {_role}",
                     $"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {_role}",
                     $"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {_role}",
                     $"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {_role}",
                     "GRANT CREATE ON SCHEMA public TO PUBLIC",
                     $"GRANT TEMPORARY ON DATABASE {new NpgsqlConnectionStringBuilder(_database).Database} TO PUBLIC",
                 })
        {
            await Target.ExecuteAsync(_database, grant);
        }

        await ProvisionAsync(_database);

        Assert.Equal(Expected.OrderBy(table => table.Key, StringComparer.Ordinal),
            (await PrivilegesAsync(_database, _role)).OrderBy(table => table.Key, StringComparer.Ordinal));
        Assert.False(await Target.ScalarAsync<bool>(_database, $"SELECT has_schema_privilege('{_role}', 'public', 'CREATE') OR has_database_privilege('{_role}', current_database(), 'TEMPORARY')"));
        Assert.False(await Target.ScalarAsync<bool>(_database, "SELECT has_schema_privilege('public', 'public', 'CREATE')"));
        Assert.Equal(0L, await Target.ScalarAsync<long>(_database, RoleQuery("SELECT count(*) FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE a.grantee = (SELECT oid FROM role)")));
    }

    /// <summary>The migration service as it runs at every start, with the role and password the AppHost gives it.</summary>
    private async Task ProvisionAsync(string database)
    {
        var run = await MigrationServiceProcess.RunAsync(database,
            new Dictionary<string, string> { ["Database__ApiRole"] = _role, ["Database__ApiPassword"] = Password, ["Import__Sample"] = "false" });
        Assert.True(run.ExitCode == 0, run.Output);
    }

    private string RoleQuery(string sql) => $"WITH role AS (SELECT oid FROM pg_roles WHERE rolname = '{_role}') {sql}";

    /// <summary>Per table of the schema, the privileges <paramref name="role"/> holds, as has_table_privilege reports them.</summary>
    internal static async Task<Dictionary<string, string>> PrivilegesAsync(string database, string role)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname, coalesce(string_agg(p.privilege, ', ' ORDER BY p.ordinal) FILTER (WHERE has_table_privilege(@role, c.oid, p.privilege)), '')
            FROM pg_class c
            CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) WITH ORDINALITY p(privilege, ordinal)
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            GROUP BY c.relname
            """, connection);
        command.Parameters.AddWithValue("role", role);
        var privileges = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            privileges[reader.GetString(0)] = reader.GetString(1);
        }

        return privileges;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await Target.ExecuteAsync(_database, $"DROP OWNED BY {_role}; DROP ROLE {_role}");
    }
}
