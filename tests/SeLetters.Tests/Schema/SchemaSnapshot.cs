using Npgsql;

namespace SeLetters.Tests.Schema;

/// <summary>
/// What the system catalogs say about the tables of the public schema: each column, constraint and index, keyed by the
/// object it describes, with a definition that PostgreSQL itself normalised (so equal DDL gives equal text).
/// </summary>
internal sealed record SchemaSnapshot(
    IReadOnlySet<string> Tables,
    IReadOnlyDictionary<string, SchemaObject> Columns,
    IReadOnlyDictionary<string, SchemaObject> Constraints,
    IReadOnlyDictionary<string, SchemaObject> Indexes)
{
    private const string ColumnsQuery = """
        SELECT c.relname, 'column ' || c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END
               || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        """;

    // Constraints are keyed by their definition, not their name: a foreign key is its columns, the table it
    // references and its delete rule.
    private const string ConstraintsQuery = """
        SELECT c.relname, 'constraint ' || c.relname || ' ' || pg_get_constraintdef(con.oid), pg_get_constraintdef(con.oid)
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public'
        """;

    private const string IndexesQuery = """
        SELECT tablename, 'index ' || indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
        """;

    public static async Task<SchemaSnapshot> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = await ReadAsync(connection, ColumnsQuery);
        return new SchemaSnapshot(
            columns.Values.Select(column => column.Table).ToHashSet(),
            columns,
            await ReadAsync(connection, ConstraintsQuery),
            await ReadAsync(connection, IndexesQuery));
    }

    public IEnumerable<SchemaDifference> DifferencesFrom(SchemaSnapshot other) =>
        Compare(Columns, other.Columns).Concat(Compare(Constraints, other.Constraints)).Concat(Compare(Indexes, other.Indexes));

    private static IEnumerable<SchemaDifference> Compare(IReadOnlyDictionary<string, SchemaObject> expected, IReadOnlyDictionary<string, SchemaObject> actual)
    {
        foreach (var (key, seed) in expected)
        {
            if (!actual.TryGetValue(key, out var migrated))
            {
                yield return new SchemaDifference(key, $"table {seed.Table}", $"missing: {key} ({seed.Definition})");
            }
            else if (migrated.Definition != seed.Definition)
            {
                yield return new SchemaDifference(key, $"table {seed.Table}", $"different: {key}: seed '{seed.Definition}', migrated '{migrated.Definition}'");
            }
        }

        foreach (var (key, migrated) in actual.Where(entry => !expected.ContainsKey(entry.Key)))
        {
            yield return new SchemaDifference(key, $"table {migrated.Table}", $"added: {key} ({migrated.Definition})");
        }
    }

    private static async Task<Dictionary<string, SchemaObject>> ReadAsync(NpgsqlConnection connection, string query)
    {
        var objects = new Dictionary<string, SchemaObject>();
        await using var command = new NpgsqlCommand(query, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            objects.Add(reader.GetString(1), new SchemaObject(reader.GetString(0), reader.GetString(2)));
        }

        return objects;
    }
}

internal sealed record SchemaObject(string Table, string Definition);

/// <param name="Object">The object, as docs/schema.md names it ("index idx_x", "column letters.status").</param>
/// <param name="Table">The table it belongs to ("table letters"): a documented table covers all its objects.</param>
internal sealed record SchemaDifference(string Object, string Table, string Description);
