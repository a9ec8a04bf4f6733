using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace SeLetters.Tests.Migrations;

/// <summary>
/// Two migrations that mix transactional and non-transactional steps, in a schema of their own, so the crash test can
/// show that it finds their kill points, that it passes one written to be re-run and that it catches one that is not.
/// </summary>
public sealed class CrashControlContext(DbContextOptions<CrashControlContext> options) : DbContext(options)
{
    public static CrashControlContext For(string connectionString) =>
        new(new DbContextOptionsBuilder<CrashControlContext>().UseNpgsql(connectionString).Options);
}

/// <summary>
/// Written to be re-run: its transactional steps are idempotent and drop an index a killed build left invalid; the
/// index is then built concurrently unless it exists.
/// </summary>
[DbContext(typeof(CrashControlContext))]
[Migration("20000101000001_RerunnableIndex")]
public sealed class RerunnableIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("CREATE TABLE IF NOT EXISTS control_rows (id integer PRIMARY KEY, name text)");
        migrationBuilder.Sql("""
            DO $$
            BEGIN
                IF EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass('idx_control_rows_name') AND NOT indisvalid) THEN
                    DROP INDEX idx_control_rows_name;
                END IF;
            END
            $$
            """);
        migrationBuilder.Sql("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_control_rows_name ON control_rows (name)", suppressTransaction: true);
        migrationBuilder.Sql("CREATE OR REPLACE VIEW control_names AS SELECT name FROM control_rows");
    }
}

/// <summary>Not written to be re-run: once its table is committed, running it again fails.</summary>
[DbContext(typeof(CrashControlContext))]
[Migration("20000101000002_NotRerunnableIndex")]
public sealed class NotRerunnableIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("CREATE TABLE control_items (id integer PRIMARY KEY, name text)");
        migrationBuilder.Sql("CREATE INDEX CONCURRENTLY idx_control_items_name ON control_items (name)", suppressTransaction: true);
    }
}
