using Microsoft.EntityFrameworkCore.Migrations;

namespace SeLetters.Data.Migrations;

internal static class ConcurrentIndex
{
    /// <summary>
    /// Builds the index without blocking writes, outside a transaction, so a run killed half-way runs again: an index a
    /// killed build left invalid is dropped first; a valid one is kept as it is.
    /// </summary>
    public static void CreateIndexConcurrently(this MigrationBuilder migrationBuilder, string name, string onClause)
    {
        migrationBuilder.Sql($"""
            DO $$
            BEGIN
                IF EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass('{name}') AND NOT indisvalid) THEN
                    DROP INDEX {name};
                END IF;
            END
            $$
            """);
        migrationBuilder.Sql($"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {onClause}", suppressTransaction: true);
    }
}
