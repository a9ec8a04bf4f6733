using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// The secondary indexes the DuckDB import dropped to load an empty table and has not built again yet, with their
    /// definitions as the catalog gave them (pg_get_indexdef) just before the drop: a run killed in between leaves the
    /// record, and the next run of the migration service builds them from it. Raw SQL only: not part of the EF model.
    /// </summary>
    public partial class ImportDroppedIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE import_dropped_indexes (
                    index_name text PRIMARY KEY,
                    table_name text NOT NULL,
                    definition text NOT NULL,
                    run_id integer REFERENCES import_runs (id) ON DELETE SET NULL,
                    dropped_at timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE import_dropped_indexes;");
        }
    }
}
