using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// The letters' search text was indexed twice with trigrams: on <c>letters</c> and on <c>letter_search</c>, its narrow
    /// copy every search reads. Only the export still read the first; it now matches on <c>letter_search</c> as the
    /// searches do, and every stored letter is spared the second index's entries (a trigram entry per three characters
    /// of its name, title and path). Dropped concurrently, so searches and stores go on meanwhile; an import killed while
    /// the index was dropped for its bulk load recorded it to build again, and that record goes too.
    /// </summary>
    public partial class LetterTextIndexedOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM import_dropped_indexes WHERE index_name = 'idx_letters_search_text_trgm'");
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_letters_search_text_trgm", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndexConcurrently("idx_letters_search_text_trgm", "ON letters USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)");
        }
    }
}
