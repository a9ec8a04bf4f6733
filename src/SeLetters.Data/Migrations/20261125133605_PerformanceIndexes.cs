using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <inheritdoc />
    public partial class PerformanceIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // These statements cannot share a transaction: a run stopped half-way may have left some indexes behind,
            // complete or invalid. Dropping them first lets the migration simply run again.
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_letters_covering;", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_letters_created_at_status;", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_letters_failed;", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_letters_processed;", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_products_letter_range;", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_matches_confidence_type;", suppressTransaction: true);

            migrationBuilder.CreateIndex(
                name: "idx_letters_covering",
                table: "letters",
                columns: new[] { "id", "document_name", "created_at", "status" })
                .Annotation("Npgsql:CreatedConcurrently", true);

            migrationBuilder.CreateIndex(
                name: "idx_letters_created_at_status",
                table: "letters",
                columns: new[] { "created_at", "status" })
                .Annotation("Npgsql:CreatedConcurrently", true);

            migrationBuilder.CreateIndex(
                name: "idx_letters_failed",
                table: "letters",
                column: "id",
                filter: "status = 'failed'")
                .Annotation("Npgsql:CreatedConcurrently", true);

            migrationBuilder.CreateIndex(
                name: "idx_letters_processed",
                table: "letters",
                column: "id",
                filter: "status = 'processed'")
                .Annotation("Npgsql:CreatedConcurrently", true);

            migrationBuilder.CreateIndex(
                name: "idx_products_letter_range",
                table: "letter_products",
                columns: new[] { "letter_id", "range_label" })
                .Annotation("Npgsql:CreatedConcurrently", true);

            migrationBuilder.CreateIndex(
                name: "idx_matches_confidence_type",
                table: "letter_product_matches",
                columns: new[] { "match_confidence", "match_type" })
                .Annotation("Npgsql:CreatedConcurrently", true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "idx_letters_covering",
                table: "letters");

            migrationBuilder.DropIndex(
                name: "idx_letters_created_at_status",
                table: "letters");

            migrationBuilder.DropIndex(
                name: "idx_letters_failed",
                table: "letters");

            migrationBuilder.DropIndex(
                name: "idx_letters_processed",
                table: "letters");

            migrationBuilder.DropIndex(
                name: "idx_products_letter_range",
                table: "letter_products");

            migrationBuilder.DropIndex(
                name: "idx_matches_confidence_type",
                table: "letter_product_matches");
        }
    }
}
