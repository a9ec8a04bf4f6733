using Npgsql;

namespace SeLetters.Tests.Schema;

/// <summary>
/// What the system catalogs say about the public schema: each column, constraint, index (and whether it is valid),
/// sequence and trigger of its tables, and its functions, views and extensions, keyed by the object it describes, with a
/// definition that PostgreSQL itself normalised (so equal DDL gives equal text; a function's body is its text as written).
/// </summary>
internal sealed record SchemaSnapshot(
    IReadOnlySet<string> Tables,
    IReadOnlyDictionary<string, SchemaObject> Columns,
    IReadOnlyDictionary<string, SchemaObject> Constraints,
    IReadOnlyDictionary<string, SchemaObject> Indexes,
    IReadOnlyDictionary<string, SchemaObject> Code)
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
        SELECT x.tablename, 'index ' || x.indexname, x.indexdef || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END
        FROM pg_indexes x
        JOIN pg_index i ON i.indexrelid = format('%I.%I', x.schemaname, x.indexname)::regclass
        WHERE x.schemaname = 'public'
        """;

    // Sequences and triggers belong to a table; functions (but an extension's, and named without their arguments: we
    // overload none), views and extensions to the schema.
    private const string CodeQuery = """
        SELECT coalesce(owner.relname, ''), 'sequence ' || s.sequencename,
               format('%s start %s increment %s min %s max %s cache %s%s', s.data_type, s.start_value, s.increment_by,
                      s.min_value, s.max_value, s.cache_size, CASE WHEN s.cycle THEN ' cycle' ELSE '' END)
        FROM pg_sequences s
        LEFT JOIN pg_depend d ON d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass AND d.classid = 'pg_class'::regclass
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        LEFT JOIN pg_class owner ON owner.oid = d.refobjid
        WHERE s.schemaname = 'public'
        UNION ALL
        SELECT c.relname, 'trigger ' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal
        UNION ALL
        SELECT '', 'function ' || p.proname, pg_get_functiondef(p.oid)
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public'
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        UNION ALL
        SELECT '', 'view ' || viewname, pg_get_viewdef(format('%I.%I', schemaname, viewname)::regclass)
        FROM pg_views WHERE schemaname = 'public'
        UNION ALL
        SELECT '', 'extension ' || e.extname, n.nspname
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname <> 'plpgsql'
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
            await ReadAsync(connection, IndexesQuery),
            await ReadAsync(connection, CodeQuery));
    }

    public IEnumerable<SchemaDifference> DifferencesFrom(SchemaSnapshot other) =>
        Compare(Columns, other.Columns).Concat(Compare(Constraints, other.Constraints)).Concat(Compare(Indexes, other.Indexes))
            .Concat(Compare(Code, other.Code));

    /// <summary>How the schema of another database differs from this one, one line per object.</summary>
    public async Task<List<string>> DifferencesFromAsync(string connectionString) =>
        DifferencesFrom(await ReadAsync(connectionString)).Select(difference => difference.Description).ToList();

    private static IEnumerable<SchemaDifference> Compare(IReadOnlyDictionary<string, SchemaObject> expected, IReadOnlyDictionary<string, SchemaObject> actual)
    {
        foreach (var (key, seed) in expected)
        {
            if (!actual.TryGetValue(key, out var migrated))
            {
                yield return new SchemaDifference(key, seed.Owner, $"missing: {key} ({seed.Definition})");
            }
            else if (migrated.Definition != seed.Definition)
            {
                yield return new SchemaDifference(key, seed.Owner, $"different: {key}: seed '{seed.Definition}', migrated '{migrated.Definition}'");
            }
        }

        foreach (var (key, migrated) in actual.Where(entry => !expected.ContainsKey(entry.Key)))
        {
            yield return new SchemaDifference(key, migrated.Owner, $"added: {key} ({migrated.Definition})");
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

/// <param name="Table">The table the object belongs to, or "" for a function, a view or an extension.</param>
internal sealed record SchemaObject(string Table, string Definition)
{
    public string? Owner => Table.Length == 0 ? null : $"table {Table}";
}

/// <param name="Object">The object, as docs/schema.md names it ("index idx_x", "column letters.status").</param>
/// <param name="Owner">The table it belongs to ("table letters"), if any: a documented table covers all its objects.</param>
internal sealed record SchemaDifference(string Object, string? Owner, string Description);
