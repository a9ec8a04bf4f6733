using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// A letter's derived rows (<c>letter_search</c>, <c>letter_product_search</c>) are rewritten once per writing
    /// transaction, at commit, from everything committed before, and a bulk refresh never overwrites a newer one
    /// (issues 13 and 14).
    /// <para>
    /// Before, the deferred insert trigger of <c>letter_products</c> recomputed the whole letter for each product stored
    /// (a letter with N products cost O(N²): 3,200 products 4.9 s against 0.13 s for 200), two transactions adding
    /// products to one letter could each recompute without the other's, and <c>refresh_letter_search()</c> and
    /// <c>refresh_letter_product_search()</c> wrote rows computed from their snapshot over rows a trigger had written
    /// since, and failed on a letter deleted meanwhile. <c>refresh_letter_statistics()</c> held every writer off.
    /// </para>
    /// <para>
    /// Now every change to a letter or its products first claims the letter in <c>derived_rows_pending</c> (one row per
    /// letter, deleted again before commit); a deferred trigger on that table rewrites the letter's rows at commit. The
    /// claim's primary key serialises the writers of one letter: a second one waits at its first change until the
    /// first commits, then rewrites from what that one committed. The refresh functions claim the letters whose rows
    /// differ, like any writer, and rewrite them in a later statement, so from a snapshot taken once every earlier
    /// writer of those letters has committed, while any later one waits for the refresh and rewrites after it.
    /// The statistics refresh recounts in one statement, one snapshot: the totals become its recount, and exactly the
    /// change rows it can see (already in the recount) go; writers are not held off.
    /// </para>
    /// </summary>
    public partial class DerivedRowsOncePerLetter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER letters_search ON letters;
                DROP TRIGGER letters_product_search_text ON letters;
                DROP TRIGGER letter_products_search_insert ON letter_products;
                DROP TRIGGER letter_products_search_change ON letter_products;
                DROP FUNCTION letter_search_changed(), letter_product_search_inserted(), letter_product_search_changed(),
                    letter_product_search_letter_changed(), letter_product_search_recompute(integer);

                CREATE TABLE derived_rows_pending (
                    letter_id integer NOT NULL,
                    CONSTRAINT derived_rows_pending_pkey PRIMARY KEY (letter_id)
                );

                CREATE FUNCTION rewrite_letter_search(letter_ids integer[]) RETURNS void LANGUAGE sql AS $$
                    INSERT INTO letter_search (letter_id, search_text, document_name, processing_time_ms, extraction_confidence, created_at, status)
                    SELECT id, search_text, document_name, processing_time_ms, extraction_confidence, created_at, status
                    FROM letters WHERE id = ANY(letter_ids)
                    ON CONFLICT (letter_id) DO UPDATE SET search_text = excluded.search_text, document_name = excluded.document_name,
                        processing_time_ms = excluded.processing_time_ms, extraction_confidence = excluded.extraction_confidence,
                        created_at = excluded.created_at, status = excluded.status
                    WHERE (letter_search.search_text, letter_search.document_name, letter_search.processing_time_ms,
                           letter_search.extraction_confidence, letter_search.created_at, letter_search.status)
                        IS DISTINCT FROM (excluded.search_text, excluded.document_name, excluded.processing_time_ms,
                           excluded.extraction_confidence, excluded.created_at, excluded.status);
                $$;
                CREATE FUNCTION rewrite_letter_product_search(letter_ids integer[]) RETURNS void LANGUAGE sql AS $$
                    DELETE FROM letter_product_search s
                    WHERE s.letter_id = ANY(letter_ids) AND NOT EXISTS (SELECT FROM letter_products p WHERE p.letter_id = s.letter_id);
                    INSERT INTO letter_product_search (letter_id, search_text, letter_text)
                    SELECT p.letter_id, string_agg(letter_product_search_line(p.product_identifier, p.range_label), E'\n' ORDER BY p.id),
                        coalesce(l.search_text, '')
                    FROM letter_products p JOIN letters l ON l.id = p.letter_id
                    WHERE p.letter_id = ANY(letter_ids)
                    GROUP BY p.letter_id, l.search_text
                    ON CONFLICT (letter_id) DO UPDATE SET search_text = excluded.search_text, letter_text = excluded.letter_text
                    WHERE (letter_product_search.search_text, letter_product_search.letter_text)
                        IS DISTINCT FROM (excluded.search_text, excluded.letter_text);
                $$;

                -- Waits while another transaction holds the letter's claim; a second claim in one transaction does nothing.
                CREATE FUNCTION claim_derived_rows(letter integer) RETURNS void LANGUAGE sql AS $$
                    INSERT INTO derived_rows_pending (letter_id) VALUES (letter) ON CONFLICT DO NOTHING;
                $$;
                -- BEFORE the row changes: a delete waits for a refresh holding the claim, instead of deleting the letter
                -- under the refresh's insert of its row (a foreign key violation).
                CREATE FUNCTION letters_claim_derived_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        PERFORM claim_derived_rows(OLD.id);
                        RETURN OLD;
                    END IF;
                    PERFORM claim_derived_rows(NEW.id);
                    RETURN NEW;
                END
                $$;
                CREATE FUNCTION letter_products_claim_derived_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        PERFORM claim_derived_rows(OLD.letter_id);
                        RETURN OLD;
                    END IF;
                    -- A product moved to another letter changes both: claimed in id order, as the refresh claims.
                    IF TG_OP = 'UPDATE' AND OLD.letter_id < NEW.letter_id THEN
                        PERFORM claim_derived_rows(OLD.letter_id);
                    END IF;
                    PERFORM claim_derived_rows(NEW.letter_id);
                    IF TG_OP = 'UPDATE' AND OLD.letter_id > NEW.letter_id THEN
                        PERFORM claim_derived_rows(OLD.letter_id);
                    END IF;
                    RETURN NEW;
                END
                $$;
                CREATE FUNCTION rewrite_claimed_derived_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM derived_rows_pending WHERE letter_id = NEW.letter_id;
                    PERFORM rewrite_letter_search(ARRAY[NEW.letter_id]);
                    PERFORM rewrite_letter_product_search(ARRAY[NEW.letter_id]);
                    RETURN NULL;
                END
                $$;

                CREATE TRIGGER letters_derived_rows BEFORE INSERT OR DELETE
                    OR UPDATE OF document_name, document_title, source_file_path, processing_time_ms, extraction_confidence, created_at, status ON letters
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letters_claim_derived_rows();
                CREATE TRIGGER letter_products_derived_rows BEFORE INSERT OR DELETE OR UPDATE OF letter_id, product_identifier, range_label ON letter_products
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_products_claim_derived_rows();
                -- A bulk loader's session (the refresh functions run in it) claims without a rewrite at commit.
                CREATE CONSTRAINT TRIGGER derived_rows_pending_rewrite AFTER INSERT ON derived_rows_pending DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION rewrite_claimed_derived_rows();

                CREATE OR REPLACE FUNCTION refresh_letter_search() RETURNS void LANGUAGE plpgsql AS $$
                DECLARE
                    stale integer[];
                BEGIN
                    WITH claimed AS (
                        INSERT INTO derived_rows_pending (letter_id)
                        SELECT l.id FROM letters l LEFT JOIN letter_search s ON s.letter_id = l.id
                        WHERE (s.search_text, s.document_name, s.processing_time_ms, s.extraction_confidence, s.created_at, s.status)
                            IS DISTINCT FROM (l.search_text, l.document_name, l.processing_time_ms, l.extraction_confidence, l.created_at, l.status)
                        ORDER BY l.id
                        ON CONFLICT DO NOTHING
                        RETURNING letter_id)
                    SELECT array_agg(letter_id) INTO stale FROM claimed;
                    PERFORM rewrite_letter_search(stale);
                    DELETE FROM derived_rows_pending WHERE letter_id = ANY(stale);
                END
                $$;
                CREATE OR REPLACE FUNCTION refresh_letter_product_search() RETURNS void LANGUAGE plpgsql AS $$
                DECLARE
                    stale integer[];
                BEGIN
                    WITH computed AS (
                        SELECT p.letter_id, string_agg(letter_product_search_line(p.product_identifier, p.range_label), E'\n' ORDER BY p.id) AS search_text,
                            coalesce(l.search_text, '') AS letter_text
                        FROM letter_products p JOIN letters l ON l.id = p.letter_id
                        GROUP BY p.letter_id, l.search_text),
                    claimed AS (
                        INSERT INTO derived_rows_pending (letter_id)
                        SELECT coalesce(c.letter_id, s.letter_id)
                        FROM computed c FULL JOIN letter_product_search s ON s.letter_id = c.letter_id
                        WHERE (s.search_text, s.letter_text) IS DISTINCT FROM (c.search_text, c.letter_text)
                        ORDER BY 1
                        ON CONFLICT DO NOTHING
                        RETURNING letter_id)
                    SELECT array_agg(letter_id) INTO stale FROM claimed;
                    PERFORM rewrite_letter_product_search(stale);
                    DELETE FROM derived_rows_pending WHERE letter_id = ANY(stale);
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
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The functions and triggers as Baseline created them.
            migrationBuilder.Sql("""
                DROP TRIGGER letters_derived_rows ON letters;
                DROP TRIGGER letter_products_derived_rows ON letter_products;
                DROP TABLE derived_rows_pending;
                DROP FUNCTION rewrite_claimed_derived_rows(), letter_products_claim_derived_rows(), letters_claim_derived_rows(),
                    claim_derived_rows(integer), rewrite_letter_product_search(integer[]), rewrite_letter_search(integer[]);

                CREATE FUNCTION letter_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO letter_search (letter_id, search_text, document_name, processing_time_ms, extraction_confidence, created_at, status)
                    VALUES (NEW.id, NEW.search_text, NEW.document_name, NEW.processing_time_ms, NEW.extraction_confidence, NEW.created_at, NEW.status)
                    ON CONFLICT (letter_id) DO UPDATE SET search_text = excluded.search_text, document_name = excluded.document_name,
                        processing_time_ms = excluded.processing_time_ms, extraction_confidence = excluded.extraction_confidence,
                        created_at = excluded.created_at, status = excluded.status;
                    RETURN NULL;
                END
                $$;
                CREATE OR REPLACE FUNCTION refresh_letter_search() RETURNS void LANGUAGE sql AS $$
                    INSERT INTO letter_search (letter_id, search_text, document_name, processing_time_ms, extraction_confidence, created_at, status)
                    SELECT id, search_text, document_name, processing_time_ms, extraction_confidence, created_at, status FROM letters
                    ON CONFLICT (letter_id) DO UPDATE SET search_text = excluded.search_text, document_name = excluded.document_name,
                        processing_time_ms = excluded.processing_time_ms, extraction_confidence = excluded.extraction_confidence,
                        created_at = excluded.created_at, status = excluded.status
                    WHERE (letter_search.search_text, letter_search.document_name, letter_search.processing_time_ms,
                           letter_search.extraction_confidence, letter_search.created_at, letter_search.status)
                        IS DISTINCT FROM (excluded.search_text, excluded.document_name, excluded.processing_time_ms,
                           excluded.extraction_confidence, excluded.created_at, excluded.status);
                $$;
                CREATE TRIGGER letters_search AFTER INSERT OR UPDATE OF document_title, source_file_path, document_name, processing_time_ms, extraction_confidence, created_at, status ON letters
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_search_changed();

                CREATE FUNCTION letter_product_search_recompute(letter integer) RETURNS void LANGUAGE sql AS $$
                    DELETE FROM letter_product_search WHERE letter_id = letter AND NOT EXISTS (SELECT FROM letter_products WHERE letter_id = letter);
                    INSERT INTO letter_product_search (letter_id, search_text, letter_text)
                    SELECT letter, string_agg(letter_product_search_line(product_identifier, range_label), E'\n' ORDER BY id),
                        (SELECT coalesce(search_text, '') FROM letters WHERE id = letter)
                    FROM letter_products WHERE letter_id = letter
                    HAVING count(*) > 0
                    ON CONFLICT (letter_id) DO UPDATE SET search_text = excluded.search_text, letter_text = excluded.letter_text
                    WHERE (letter_product_search.search_text, letter_product_search.letter_text)
                        IS DISTINCT FROM (excluded.search_text, excluded.letter_text);
                $$;
                CREATE FUNCTION letter_product_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM letter_product_search_recompute(NEW.letter_id);
                    RETURN NULL;
                END
                $$;
                CREATE FUNCTION letter_product_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO letter_product_search (letter_id, search_text, letter_text)
                        SELECT NEW.letter_id, letter_product_search_line(NEW.product_identifier, NEW.range_label), coalesce(l.search_text, '')
                        FROM letters l WHERE l.id = NEW.letter_id
                        ON CONFLICT (letter_id) DO UPDATE SET search_text = letter_product_search.search_text || E'\n' || excluded.search_text;
                        RETURN NULL;
                    END IF;
                    PERFORM letter_product_search_recompute(OLD.letter_id);
                    IF TG_OP = 'UPDATE' AND NEW.letter_id IS DISTINCT FROM OLD.letter_id THEN
                        PERFORM letter_product_search_recompute(NEW.letter_id);
                    END IF;
                    RETURN NULL;
                END
                $$;
                CREATE FUNCTION letter_product_search_letter_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE letter_product_search SET letter_text = coalesce(NEW.search_text, '') WHERE letter_id = NEW.id;
                    RETURN NULL;
                END
                $$;
                CREATE OR REPLACE FUNCTION refresh_letter_product_search() RETURNS void LANGUAGE sql AS $$
                    INSERT INTO letter_product_search (letter_id, search_text, letter_text)
                    SELECT p.letter_id, p.search_text, coalesce(l.search_text, '')
                    FROM (SELECT letter_id, string_agg(letter_product_search_line(product_identifier, range_label), E'\n' ORDER BY id) AS search_text
                          FROM letter_products GROUP BY letter_id) p
                    JOIN letters l ON l.id = p.letter_id
                    ON CONFLICT (letter_id) DO UPDATE SET search_text = excluded.search_text, letter_text = excluded.letter_text
                    WHERE (letter_product_search.search_text, letter_product_search.letter_text) IS DISTINCT FROM (excluded.search_text, excluded.letter_text);
                $$;
                CREATE CONSTRAINT TRIGGER letter_products_search_insert AFTER INSERT ON letter_products DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_product_search_inserted();
                CREATE TRIGGER letter_products_search_change AFTER DELETE OR UPDATE OF letter_id, product_identifier, range_label ON letter_products
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_product_search_changed();
                CREATE TRIGGER letters_product_search_text AFTER UPDATE OF document_name, document_title, source_file_path ON letters
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on' AND OLD.search_text IS DISTINCT FROM NEW.search_text)
                    EXECUTE FUNCTION letter_product_search_letter_changed();

                CREATE OR REPLACE FUNCTION refresh_letter_statistics() RETURNS void LANGUAGE plpgsql AS $$
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
                """);
        }
    }
}
