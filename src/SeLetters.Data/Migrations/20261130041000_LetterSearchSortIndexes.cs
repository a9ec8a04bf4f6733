using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// A broad search walks its sort order and tests each letter's search text as it goes. It walked the letters' own
    /// indexes, reading a wide row (1.2 KB at 100,000 letters) per letter it passed; it now walks <c>letter_search</c>,
    /// one narrow row per letter, through a btree per sort column that ends with the letter's id (the tie-breaker), so
    /// both directions are one index scan. Built concurrently, outside a transaction, so a run killed half-way runs again:
    /// an index a killed build left invalid is dropped first, the others are kept.
    /// </summary>
    public partial class LetterSearchSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndexConcurrently("idx_letter_search_created_at", "ON letter_search (created_at, letter_id)");
            migrationBuilder.CreateIndexConcurrently("idx_letter_search_document_name", "ON letter_search (document_name, letter_id)");
            migrationBuilder.CreateIndexConcurrently("idx_letter_search_extraction_confidence", "ON letter_search (extraction_confidence, letter_id)");
            migrationBuilder.CreateIndexConcurrently("idx_letter_search_processing_time", "ON letter_search (processing_time_ms, letter_id)");
            migrationBuilder.CreateIndexConcurrently("idx_letter_search_status", "ON letter_search (status, letter_id)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS idx_letter_search_created_at");
            migrationBuilder.Sql("DROP INDEX IF EXISTS idx_letter_search_document_name");
            migrationBuilder.Sql("DROP INDEX IF EXISTS idx_letter_search_extraction_confidence");
            migrationBuilder.Sql("DROP INDEX IF EXISTS idx_letter_search_processing_time");
            migrationBuilder.Sql("DROP INDEX IF EXISTS idx_letter_search_status");
        }
    }
}
