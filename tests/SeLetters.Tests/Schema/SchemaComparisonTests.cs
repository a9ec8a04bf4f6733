using System.Text.RegularExpressions;
using Npgsql;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Schema;

/// <summary>The migrated schema is the seed's DDL, but for the additions listed in docs/schema.md.</summary>
public sealed partial class SchemaComparisonTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Migrated_schema_matches_the_seed_ddl_except_documented_additions()
    {
        var seed = await SchemaSnapshot.ReadAsync(await ApplySeedDdlAsync());
        var migrated = await SchemaSnapshot.ReadAsync(await postgres.CreateMigratedDatabaseAsync());
        var documented = DocumentedAdditions();

        var undocumented = seed.DifferencesFrom(migrated)
            .Where(difference => !documented.Contains(difference.Object) && (difference.Owner is null || !documented.Contains(difference.Owner)))
            .Select(difference => difference.Description)
            .ToList();

        Assert.True(undocumented.Count == 0, "Undocumented schema differences:\n" + string.Join("\n", undocumented));
        Assert.Equal(4, seed.Tables.Count);
        Assert.Equal(27, seed.Indexes.Count); // 4 primary keys, 15 btree, 2 GIN and 6 Phase 7 indexes
    }

    [Fact]
    public async Task A_changed_default_is_reported_as_a_difference()
    {
        var seed = await SchemaSnapshot.ReadAsync(await ApplySeedDdlAsync());
        var changed = await ApplySeedDdlAsync();
        await using (var connection = new NpgsqlConnection(changed))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand("ALTER TABLE letters ALTER COLUMN status SET DEFAULT 'new'", connection);
            await alter.ExecuteNonQueryAsync();
        }

        var differences = seed.DifferencesFrom(await SchemaSnapshot.ReadAsync(changed));

        var difference = Assert.Single(differences);
        Assert.Equal("column letters.status", difference.Object);
    }

    private async Task<string> ApplySeedDdlAsync()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        var ddl = LineComment().Replace(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Schema", "seed-schema.sql")), "");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // One statement at a time: CREATE INDEX CONCURRENTLY cannot run inside the implicit transaction of a batch.
        foreach (var statement in ddl.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }

        return connectionString;
    }

    /// <summary>The names in the table under "## Additions to the seed" in docs/schema.md, as "kind name".</summary>
    private static HashSet<string> DocumentedAdditions()
    {
        var markdown = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Schema", "schema.md"));
        return markdown
            .SkipWhile(line => !line.StartsWith("## Additions to the seed", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length > 3 && cells[1] is not ("kind" or "" or "---"))
            .Select(cells => $"{cells[1]} {cells[2]}")
            .ToHashSet();
    }

    [GeneratedRegex("--[^\n]*")]
    private static partial Regex LineComment();
}
