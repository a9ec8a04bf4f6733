using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// Tables of the DuckDB import (issue 4): the quarantine of source rows that break a target constraint, and the record
    /// of import runs and of the tables each run finished. Raw SQL only: these tables are not part of the EF Core model,
    /// so the model snapshot does not change.
    /// </summary>
    public partial class ImportBookkeeping : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE import_runs (
                    id serial PRIMARY KEY,
                    source_path text NOT NULL,
                    started_at timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
                    finished_at timestamp without time zone,
                    status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
                    report jsonb
                );
                """);
            migrationBuilder.Sql("""
                CREATE TABLE import_table_progress (
                    run_id integer NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
                    table_name text NOT NULL,
                    imported bigint NOT NULL,
                    quarantined bigint NOT NULL,
                    already_present bigint NOT NULL,
                    finished_at timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
                    PRIMARY KEY (run_id, table_name)
                );
                """);
            migrationBuilder.Sql("""
                CREATE TABLE migration_quarantine (
                    id bigserial PRIMARY KEY,
                    source_table text NOT NULL,
                    source_id integer NOT NULL,
                    source_row jsonb NOT NULL,
                    reason text NOT NULL,
                    import_run_id integer REFERENCES import_runs (id) ON DELETE SET NULL,
                    quarantined_at timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
                    CONSTRAINT migration_quarantine_source_key UNIQUE (source_table, source_id)
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE migration_quarantine;");
            migrationBuilder.Sql("DROP TABLE import_table_progress;");
            migrationBuilder.Sql("DROP TABLE import_runs;");
        }
    }
}
