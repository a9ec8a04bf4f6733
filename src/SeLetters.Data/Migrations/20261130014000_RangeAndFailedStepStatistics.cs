using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// Two more statistics kept exact after every write (issue 16): the letters per product range (<c>range</c>: a
    /// letter counts once per distinct <c>range_label</c> among its products) and the failures per processing step
    /// (<c>failed_step</c>: <c>processing_debug</c> rows whose <c>step_success</c> is false), as totals in
    /// <c>letter_statistics</c> like the others, so the statistics endpoint still reads a few rows.
    /// <para>
    /// Counting a letter once per range needs to know which ranges it was counted in: <c>letter_ranges</c> holds each
    /// letter's distinct labels, rewritten at commit with its other derived rows (<c>derived_rows_pending</c>, so once per
    /// transaction, serialised per letter), and its row triggers add ±1 to the range's total. A failure is one row, so
    /// row triggers on <c>processing_debug</c> add ±1 directly. The latest error message of a step is read when asked,
    /// through a partial index of the failed steps by step and time: one index probe per step shown.
    /// </para>
    /// <para>
    /// <c>refresh_letter_statistics()</c> (the bulk refresh) first claims and rewrites every letter whose
    /// <c>letter_ranges</c> differ from its products, as the other refreshes do (never over a newer row), then recounts
    /// ranges from <c>letter_ranges</c> and failures from <c>processing_debug</c> in the statement that recounts the rest.
    /// The migration ends with that refresh, so the letters already stored are counted. One transaction; the index is
    /// built in it (writers of <c>processing_debug</c> wait for the build; the migration
    /// service runs before the API).
    /// </para>
    /// </summary>
    public partial class RangeAndFailedStepStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE letter_ranges (
                    letter_id integer NOT NULL,
                    range_label text NOT NULL,
                    CONSTRAINT letter_ranges_pkey PRIMARY KEY (letter_id, range_label),
                    CONSTRAINT letter_ranges_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters (id) ON DELETE CASCADE
                );

                CREATE INDEX idx_debug_failed_step_latest ON processing_debug (processing_step, step_timestamp DESC NULLS LAST, id DESC)
                    WHERE step_success = false;

                -- A label with nothing but blanks (or none at all) names no range.
                CREATE FUNCTION letter_range(range_label text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT CASE WHEN btrim(range_label, E' \t\r\n') <> '' THEN range_label END
                $$;

                CREATE FUNCTION rewrite_letter_ranges(letter_ids integer[]) RETURNS void LANGUAGE sql AS $$
                    DELETE FROM letter_ranges r
                    WHERE r.letter_id = ANY(letter_ids)
                        AND NOT EXISTS (SELECT FROM letter_products p WHERE p.letter_id = r.letter_id AND p.range_label = r.range_label);
                    INSERT INTO letter_ranges (letter_id, range_label)
                    SELECT DISTINCT p.letter_id, p.range_label FROM letter_products p
                    WHERE p.letter_id = ANY(letter_ids) AND letter_range(p.range_label) IS NOT NULL
                    ON CONFLICT DO NOTHING;
                $$;

                CREATE OR REPLACE FUNCTION rewrite_claimed_derived_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    claimed integer[];
                BEGIN
                    DELETE FROM derived_rows_pending WHERE letter_id = NEW.letter_id;
                    IF NOT FOUND THEN
                        RETURN NULL;
                    END IF;
                    WITH rest AS (DELETE FROM derived_rows_pending RETURNING letter_id)
                    SELECT NEW.letter_id || coalesce(array_agg(letter_id), '{}') INTO claimed FROM rest;
                    PERFORM rewrite_letter_search(claimed);
                    PERFORM rewrite_letter_product_search(claimed);
                    PERFORM rewrite_letter_ranges(claimed);
                    RETURN NULL;
                END
                $$;

                CREATE FUNCTION refresh_letter_ranges() RETURNS void LANGUAGE plpgsql AS $$
                DECLARE
                    stale integer[];
                BEGIN
                    WITH computed AS (
                        SELECT DISTINCT letter_id, range_label FROM letter_products WHERE letter_range(range_label) IS NOT NULL),
                    claimed AS (
                        INSERT INTO derived_rows_pending (letter_id)
                        SELECT DISTINCT coalesce(c.letter_id, r.letter_id)
                        FROM computed c FULL JOIN letter_ranges r ON r.letter_id = c.letter_id AND r.range_label = c.range_label
                        WHERE c.letter_id IS NULL OR r.letter_id IS NULL
                        ORDER BY 1
                        ON CONFLICT DO NOTHING
                        RETURNING letter_id)
                    SELECT array_agg(letter_id) INTO stale FROM claimed;
                    PERFORM rewrite_letter_ranges(stale);
                    DELETE FROM derived_rows_pending WHERE letter_id = ANY(stale);
                END
                $$;

                CREATE FUNCTION letter_statistics_range_counted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO letter_statistics_changes (metric, bucket, value) VALUES ('range', NEW.range_label, 1);
                    ELSE
                        INSERT INTO letter_statistics_changes (metric, bucket, value) VALUES ('range', OLD.range_label, -1);
                    END IF;
                    RETURN NULL;
                END
                $$;
                CREATE FUNCTION letter_statistics_step_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' AND OLD.step_success = false THEN
                        INSERT INTO letter_statistics_changes (metric, bucket, value) VALUES ('failed_step', OLD.processing_step, -1);
                    END IF;
                    IF TG_OP <> 'DELETE' AND NEW.step_success = false THEN
                        INSERT INTO letter_statistics_changes (metric, bucket, value) VALUES ('failed_step', NEW.processing_step, 1);
                    END IF;
                    RETURN NULL;
                END
                $$;

                CREATE TRIGGER letter_ranges_statistics AFTER INSERT OR DELETE ON letter_ranges
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_statistics_range_counted();
                CREATE TRIGGER processing_debug_statistics AFTER INSERT OR DELETE ON processing_debug
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_statistics_step_changed();
                CREATE TRIGGER processing_debug_statistics_update AFTER UPDATE OF processing_step, step_success ON processing_debug
                    FOR EACH ROW WHEN ((OLD.processing_step, OLD.step_success = false) IS DISTINCT FROM (NEW.processing_step, NEW.step_success = false)
                        AND current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on')
                    EXECUTE FUNCTION letter_statistics_step_changed();

                CREATE OR REPLACE FUNCTION refresh_letter_statistics() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock(hashtextextended('letter_statistics', 0));
                    PERFORM refresh_letter_ranges();
                    WITH recount AS (
                        SELECT metric, bucket, sum(value) AS value
                        FROM (SELECT t.* FROM letters l
                                  CROSS JOIN LATERAL letter_statistics_terms(1, l.status, l.created_at, l.extraction_confidence, l.processing_time_ms) t
                              UNION ALL SELECT 'products', '', count(*) FROM letter_products
                              UNION ALL SELECT 'matches', '', count(*) FROM letter_product_matches
                              UNION ALL SELECT 'range', range_label, count(*) FROM letter_ranges GROUP BY range_label
                              UNION ALL SELECT 'failed_step', processing_step, count(*) FROM processing_debug WHERE step_success = false GROUP BY processing_step) terms
                        GROUP BY metric, bucket
                        HAVING sum(value) <> 0),
                    counted AS (DELETE FROM letter_statistics_changes),
                    kept AS (
                        INSERT INTO letter_statistics (metric, bucket, value) SELECT metric, bucket, value FROM recount
                        ON CONFLICT (metric, bucket) DO UPDATE SET value = excluded.value WHERE letter_statistics.value <> excluded.value)
                    DELETE FROM letter_statistics s WHERE NOT EXISTS (SELECT FROM recount r WHERE r.metric = s.metric AND r.bucket = s.bucket);
                END
                $$;

                -- The letters already stored: their ranges and failures counted. As a bulk load (for this transaction
                -- only): the letters the refresh claims are rewritten by it, not once more each by the claim's trigger
                -- at commit (100,000 letters: the commit ran past Npgsql's 30 s timeout).
                SELECT set_config('seletters.bulk_load', 'on', true);
                SELECT refresh_letter_statistics();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The functions as DerivedRowsOncePerLetter and DerivedRowsRewrittenTogether left them; the totals of the two metrics go with their tables.
            migrationBuilder.Sql("""
                DROP TRIGGER processing_debug_statistics ON processing_debug;
                DROP TRIGGER processing_debug_statistics_update ON processing_debug;
                DROP INDEX idx_debug_failed_step_latest;
                DROP TABLE letter_ranges;
                DELETE FROM letter_statistics_changes WHERE metric IN ('range', 'failed_step');
                DELETE FROM letter_statistics WHERE metric IN ('range', 'failed_step');

                CREATE OR REPLACE FUNCTION rewrite_claimed_derived_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    claimed integer[];
                BEGIN
                    DELETE FROM derived_rows_pending WHERE letter_id = NEW.letter_id;
                    IF NOT FOUND THEN
                        RETURN NULL;
                    END IF;
                    WITH rest AS (DELETE FROM derived_rows_pending RETURNING letter_id)
                    SELECT NEW.letter_id || coalesce(array_agg(letter_id), '{}') INTO claimed FROM rest;
                    PERFORM rewrite_letter_search(claimed);
                    PERFORM rewrite_letter_product_search(claimed);
                    RETURN NULL;
                END
                $$;
                CREATE OR REPLACE FUNCTION refresh_letter_statistics() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock(hashtextextended('letter_statistics', 0));
                    WITH recount AS (
                        SELECT metric, bucket, sum(value) AS value
                        FROM (SELECT t.* FROM letters l
                                  CROSS JOIN LATERAL letter_statistics_terms(1, l.status, l.created_at, l.extraction_confidence, l.processing_time_ms) t
                              UNION ALL SELECT 'products', '', count(*) FROM letter_products
                              UNION ALL SELECT 'matches', '', count(*) FROM letter_product_matches) terms
                        GROUP BY metric, bucket
                        HAVING sum(value) <> 0),
                    counted AS (DELETE FROM letter_statistics_changes),
                    kept AS (
                        INSERT INTO letter_statistics (metric, bucket, value) SELECT metric, bucket, value FROM recount
                        ON CONFLICT (metric, bucket) DO UPDATE SET value = excluded.value WHERE letter_statistics.value <> excluded.value)
                    DELETE FROM letter_statistics s WHERE NOT EXISTS (SELECT FROM recount r WHERE r.metric = s.metric AND r.bucket = s.bucket);
                END
                $$;
                DROP FUNCTION refresh_letter_ranges(), rewrite_letter_ranges(integer[]), letter_range(text),
                    letter_statistics_range_counted(), letter_statistics_step_changed();
                """);
        }
    }
}
