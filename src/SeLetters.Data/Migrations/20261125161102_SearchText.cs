using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// Search at scale (issue 7): the stored lower-cased <c>search_text</c> of letters and products with one trigram index
    /// each, replacing the three per-column trigram indexes of <see cref="SearchIndexes"/>, and btree indexes for the two
    /// sort orders the seed left unindexed, so a sorted page is read in index order and stops after one page. Adding a
    /// stored column rewrites the tables: on a populated database this migration holds them locked for a while.
    /// </summary>
    public partial class SearchText : Migration
    {
        private static readonly string[] ReplacedIndexes =
            ["idx_letters_document_name_trgm", "idx_letters_document_title_trgm", "idx_letters_source_file_path_trgm"];

        private static readonly (string Name, string Definition)[] Indexes =
        [
            ("idx_letters_search_text_trgm", "letters USING gin (search_text gin_trgm_ops)"),
            ("idx_products_search_text_trgm", "letter_products USING gin (search_text gin_trgm_ops)"),
            ("idx_letters_processing_time", "letters (processing_time_ms, id)"),
            ("idx_letters_extraction_confidence", "letters (extraction_confidence, id)"),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "letters",
                type: "text",
                nullable: true,
                computedColumnSql: "lower(coalesce(document_name, '') || E'\\n' || coalesce(document_title, '') || E'\\n' || coalesce(source_file_path, ''))",
                stored: true);

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "letter_products",
                type: "text",
                nullable: true,
                computedColumnSql: "lower(coalesce(product_identifier, '') || E'\\n' || coalesce(range_label, ''))",
                stored: true);

            // Concurrently, outside a transaction, dropped first so a stopped run can simply run again (as SearchIndexes).
            foreach (var name in ReplacedIndexes)
            {
                migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {name};", suppressTransaction: true);
            }

            foreach (var (name, definition) in Indexes)
            {
                migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {name};", suppressTransaction: true);
                migrationBuilder.Sql($"CREATE INDEX CONCURRENTLY {name} ON {definition};", suppressTransaction: true);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (name, _) in Indexes)
            {
                migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {name};", suppressTransaction: true);
            }

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "letters");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "letter_products");

            foreach (var name in ReplacedIndexes)
            {
                var column = name["idx_letters_".Length..^"_trgm".Length];
                migrationBuilder.Sql($"CREATE INDEX CONCURRENTLY {name} ON letters USING gin ({column} gin_trgm_ops);", suppressTransaction: true);
            }
        }
    }
}
