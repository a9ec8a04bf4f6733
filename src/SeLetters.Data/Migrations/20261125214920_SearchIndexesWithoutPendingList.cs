using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// The trigram indexes every search reads keep no pending list (<c>fastupdate = off</c>). With it on, a GIN index puts
    /// new entries in an unsorted list that every search scans in full until it is merged: with letters stored 50 times a
    /// second next to searches, the load benchmark's request mix saturated at about 200 requests/s at 100,000 letters,
    /// and at about 300 with it off. A store then updates the indexes itself, a few milliseconds more.
    /// </summary>
    public partial class SearchIndexesWithoutPendingList : Migration
    {
        private static readonly string[] Indexes =
            ["idx_letters_search_text_trgm", "idx_letter_product_search_trgm", "idx_letter_product_search_letter_text_trgm", "idx_letter_search_trgm"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var index in Indexes)
            {
                // Turning it off keeps what is already pending: merged here.
                migrationBuilder.Sql($"ALTER INDEX {index} SET (fastupdate = off); SELECT gin_clean_pending_list('{index}');");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var index in Indexes)
            {
                migrationBuilder.Sql($"ALTER INDEX {index} RESET (fastupdate);");
            }
        }
    }
}
