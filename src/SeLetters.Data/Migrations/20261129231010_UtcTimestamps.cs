using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// The timestamps the database writes itself are UTC whatever the server's TimeZone (issue 14): the seed's
    /// <c>CURRENT_TIMESTAMP</c> is the session's local time, and a local server inherits the host's zone from initdb,
    /// so a letter stored in Kiritimati was dated 14 hours ahead and counted on the next day. The statistics' day is
    /// the date of <c>created_at</c>, so the UTC day now. Rows written before keep their values: which zone wrote them
    /// is not recorded. One transaction; changing a default rewrites nothing.
    /// </summary>
    public partial class UtcTimestamps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE letters ALTER COLUMN created_at SET DEFAULT (now() AT TIME ZONE 'UTC'),
                    ALTER COLUMN updated_at SET DEFAULT (now() AT TIME ZONE 'UTC');
                ALTER TABLE letter_product_matches ALTER COLUMN created_at SET DEFAULT (now() AT TIME ZONE 'UTC');
                ALTER TABLE processing_debug ALTER COLUMN step_timestamp SET DEFAULT (now() AT TIME ZONE 'UTC');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE letters ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP, ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP;
                ALTER TABLE letter_product_matches ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP;
                ALTER TABLE processing_debug ALTER COLUMN step_timestamp SET DEFAULT CURRENT_TIMESTAMP;
                """);
        }
    }
}
