using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// A search sorted by status reads <c>(status, id)</c> in index order and stops after its page; with the seed's
    /// <c>idx_letters_status</c> alone, every letter of the first status (80 % are "processed") had to be read and sorted
    /// by id first. Raw SQL, concurrently, dropped first (as <see cref="SearchIndexes"/>).
    /// </summary>
    public partial class StatusSortIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_letters_status_id;", suppressTransaction: true);
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY idx_letters_status_id ON letters (status, id);", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS idx_letters_status_id;", suppressTransaction: true);
        }
    }
}
