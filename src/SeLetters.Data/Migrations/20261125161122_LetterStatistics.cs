using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// GET /api/letters/statistics without scanning the tables (issue 7). Every write adds its signed contribution to
    /// <c>letter_statistics_changes</c> in its own transaction (row triggers; insert-only, so concurrent writers never wait
    /// on each other); <c>fold_letter_statistics()</c> moves those rows into the per-bucket totals of
    /// <c>letter_statistics</c>; a read sums both, so it is exact as of its snapshot however long ago the last fold ran.
    /// The import turns the triggers off for its own session (<see cref="BulkLoad"/>) and calls
    /// <c>refresh_letter_statistics()</c>, which recounts everything, when it is done. Raw SQL only: the EF model does not
    /// map these objects.
    /// </summary>
    public partial class LetterStatistics : Migration
    {
        private const string TriggersEnabled = BulkLoad.TriggersEnabled;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE letter_statistics (
                    metric text NOT NULL,
                    bucket text NOT NULL,
                    value numeric NOT NULL,
                    CONSTRAINT letter_statistics_pkey PRIMARY KEY (metric, bucket)
                );
                CREATE TABLE letter_statistics_changes (
                    metric text NOT NULL,
                    bucket text NOT NULL,
                    value numeric NOT NULL
                );
                """);

            // A letter's part of the statistics, signed (+1 when it comes, -1 when it goes). NaN and ±Infinity, which only
            // imported letters hold, stay out of averages and histogram. Sums are numeric so that adding and taking away
            // the same value leaves no rounding behind; buckets use the value as shown (0.7 is in [0.7, 0.8)).
            migrationBuilder.Sql("""
                CREATE FUNCTION letter_statistics_terms(sign integer, status text, created_at timestamp, extraction_confidence real, processing_time_ms real)
                RETURNS TABLE (metric text, bucket text, value numeric)
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT t.metric, t.bucket, t.value
                    FROM (SELECT CASE WHEN extraction_confidence NOT IN ('NaN', 'Infinity', '-Infinity') THEN extraction_confidence END AS confidence,
                                 CASE WHEN processing_time_ms NOT IN ('NaN', 'Infinity', '-Infinity') THEN processing_time_ms END AS processing_time) f
                    CROSS JOIN LATERAL (VALUES
                        ('letters', '', sign::numeric),
                        ('status', coalesce(status, ''), sign),
                        ('day', to_char(created_at, 'YYYY-MM-DD'), sign),
                        ('confidence_bucket', CASE WHEN f.confidence >= 1 THEN '9' ELSE floor(f.confidence::numeric * 10)::text END,
                            CASE WHEN f.confidence >= 0 THEN sign END),
                        ('confidence_count', '', CASE WHEN f.confidence IS NOT NULL THEN sign END),
                        ('confidence_sum', '', sign * f.confidence::float8::numeric),
                        ('processing_time_count', '', CASE WHEN f.processing_time IS NOT NULL THEN sign END),
                        ('processing_time_sum', '', sign * f.processing_time::float8::numeric)
                    ) AS t(metric, bucket, value)
                    WHERE t.bucket IS NOT NULL AND t.value IS NOT NULL
                $$;
                """);

            migrationBuilder.Sql("""
                CREATE FUNCTION letter_statistics_letter_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        INSERT INTO letter_statistics_changes (metric, bucket, value)
                        SELECT * FROM letter_statistics_terms(-1, OLD.status, OLD.created_at, OLD.extraction_confidence, OLD.processing_time_ms);
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        INSERT INTO letter_statistics_changes (metric, bucket, value)
                        SELECT * FROM letter_statistics_terms(1, NEW.status, NEW.created_at, NEW.extraction_confidence, NEW.processing_time_ms);
                    END IF;
                    RETURN NULL;
                END
                $$;
                CREATE FUNCTION letter_statistics_row_counted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO letter_statistics_changes (metric, bucket, value)
                    VALUES (TG_ARGV[0], '', CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END);
                    RETURN NULL;
                END
                $$;
                """);

            migrationBuilder.Sql($"""
                CREATE TRIGGER letters_statistics_insert AFTER INSERT ON letters
                    FOR EACH ROW WHEN ({TriggersEnabled}) EXECUTE FUNCTION letter_statistics_letter_changed();
                CREATE TRIGGER letters_statistics_delete AFTER DELETE ON letters
                    FOR EACH ROW WHEN ({TriggersEnabled}) EXECUTE FUNCTION letter_statistics_letter_changed();
                CREATE TRIGGER letters_statistics_update AFTER UPDATE OF status, created_at, extraction_confidence, processing_time_ms ON letters
                    FOR EACH ROW WHEN ((OLD.status, OLD.created_at, OLD.extraction_confidence, OLD.processing_time_ms)
                        IS DISTINCT FROM (NEW.status, NEW.created_at, NEW.extraction_confidence, NEW.processing_time_ms) AND {TriggersEnabled})
                    EXECUTE FUNCTION letter_statistics_letter_changed();
                CREATE TRIGGER letter_products_statistics AFTER INSERT OR DELETE ON letter_products
                    FOR EACH ROW WHEN ({TriggersEnabled}) EXECUTE FUNCTION letter_statistics_row_counted('products');
                CREATE TRIGGER letter_product_matches_statistics AFTER INSERT OR DELETE ON letter_product_matches
                    FOR EACH ROW WHEN ({TriggersEnabled}) EXECUTE FUNCTION letter_statistics_row_counted('matches');
                """);

            // Folding and recounting exclude each other through one advisory lock; folding never waits for it (another
            // API instance is already folding), recounting does. Recounting also holds writers off with a SHARE lock, so
            // no change is counted both in the recount and in a change row, or in neither.
            migrationBuilder.Sql("""
                CREATE FUNCTION fold_letter_statistics() RETURNS bigint LANGUAGE plpgsql AS $$
                DECLARE
                    folded bigint;
                BEGIN
                    IF NOT pg_try_advisory_xact_lock(hashtextextended('letter_statistics', 0)) THEN
                        RETURN 0;
                    END IF;
                    WITH moved AS (DELETE FROM letter_statistics_changes RETURNING metric, bucket, value),
                    upserted AS (
                        INSERT INTO letter_statistics (metric, bucket, value)
                        SELECT metric, bucket, sum(value) FROM moved GROUP BY metric, bucket
                        ON CONFLICT (metric, bucket) DO UPDATE SET value = letter_statistics.value + excluded.value
                    )
                    SELECT count(*) INTO folded FROM moved;
                    DELETE FROM letter_statistics WHERE value = 0;
                    RETURN folded;
                END
                $$;
                CREATE FUNCTION refresh_letter_statistics() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock(hashtextextended('letter_statistics', 0));
                    LOCK TABLE letters, letter_products, letter_product_matches IN SHARE MODE;
                    DELETE FROM letter_statistics_changes;
                    DELETE FROM letter_statistics;
                    INSERT INTO letter_statistics (metric, bucket, value)
                    SELECT metric, bucket, sum(value)
                    FROM (SELECT t.* FROM letters l
                              CROSS JOIN LATERAL letter_statistics_terms(1, l.status, l.created_at, l.extraction_confidence, l.processing_time_ms) t
                          UNION ALL SELECT 'products', '', count(*) FROM letter_products
                          UNION ALL SELECT 'matches', '', count(*) FROM letter_product_matches) terms
                    GROUP BY metric, bucket
                    HAVING sum(value) <> 0;
                END
                $$;
                CREATE VIEW letter_statistics_current AS
                    SELECT metric, bucket, sum(value) AS value
                    FROM (SELECT metric, bucket, value FROM letter_statistics
                          UNION ALL SELECT metric, bucket, value FROM letter_statistics_changes) s
                    GROUP BY metric, bucket
                    HAVING sum(value) <> 0;
                SELECT refresh_letter_statistics();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP VIEW letter_statistics_current;
                DROP TRIGGER letter_product_matches_statistics ON letter_product_matches;
                DROP TRIGGER letter_products_statistics ON letter_products;
                DROP TRIGGER letters_statistics_update ON letters;
                DROP TRIGGER letters_statistics_delete ON letters;
                DROP TRIGGER letters_statistics_insert ON letters;
                DROP FUNCTION refresh_letter_statistics();
                DROP FUNCTION fold_letter_statistics();
                DROP FUNCTION letter_statistics_row_counted();
                DROP FUNCTION letter_statistics_letter_changed();
                DROP FUNCTION letter_statistics_terms(integer, text, timestamp, real, real);
                DROP TABLE letter_statistics_changes;
                DROP TABLE letter_statistics;
                """);
        }
    }
}
