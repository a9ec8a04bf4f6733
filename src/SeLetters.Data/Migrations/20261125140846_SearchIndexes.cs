using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// Trigram indexes for the API's case-insensitive substring search (ILIKE '%...%') on the three searched columns;
    /// a btree cannot serve a pattern with a leading wildcard. Raw SQL only, so the EF model (and its snapshot) stays
    /// as it is.
    /// </summary>
    public partial class SearchIndexes : Migration
    {
        private static readonly (string Name, string Column)[] Indexes =
        [
            ("idx_letters_document_name_trgm", "document_name"),
            ("idx_letters_document_title_trgm", "document_title"),
            ("idx_letters_source_file_path_trgm", "source_file_path"),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");

            // Built concurrently, outside a transaction, so writers are not blocked on a populated database; an index a
            // stopped run left behind (maybe invalid) is dropped first, so the migration can simply run again.
            foreach (var (name, column) in Indexes)
            {
                migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {name};", suppressTransaction: true);
                migrationBuilder.Sql($"CREATE INDEX CONCURRENTLY {name} ON letters USING gin ({column} gin_trgm_ops);", suppressTransaction: true);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (name, _) in Indexes)
            {
                migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {name};", suppressTransaction: true);
            }

            migrationBuilder.Sql("DROP EXTENSION IF EXISTS pg_trgm;");
        }
    }
}
