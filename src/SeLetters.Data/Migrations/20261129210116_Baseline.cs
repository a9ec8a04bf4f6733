using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// The schema the twelve migrations before the first release built, squashed into one (issue 13): the migration
    /// plan's DDL, then our additions. Its SQL is written out here, never built from live code, so changing that code
    /// cannot rewrite history. Every statement runs in one transaction with EF Core's history row: the tables are new
    /// and empty, so no index needs building concurrently, and a run stopped at any point leaves nothing behind.
    /// A database those twelve migrations built has exactly this schema; the migration service recognises it by their
    /// history rows (<see cref="ReplacedMigrations"/>) and records this migration as applied instead.
    /// </summary>
    public partial class Baseline : Migration
    {
        /// <summary>The migrations squashed into this one, as their history rows name them.</summary>
        public static IReadOnlyList<string> ReplacedMigrations { get; } =
        [
            "20261125133558_InitialSchema",
            "20261125133605_PerformanceIndexes",
            "20261125135721_ImportBookkeeping",
            "20261125140846_SearchIndexes",
            "20261125161102_SearchText",
            "20261125161122_LetterStatistics",
            "20261125161927_ImportDroppedIndexes",
            "20261125172814_StatusSortIndex",
            "20261125191303_ProductSearchLetterText",
            "20261125212200_LetterSearch",
            "20261125214920_SearchIndexesWithoutPendingList",
            "20261125221529_ProductSearchOncePerTransaction",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // postgresql-migration-plan-v2.2.0.md, Phase 2 (2.1) then Phase 7 (7.2), as in the plan but for CONCURRENTLY:
            // these tables are created empty in this same transaction.
            migrationBuilder.Sql("""
                CREATE TABLE letters (
                    id SERIAL PRIMARY KEY,
                    document_name TEXT NOT NULL,
                    document_type TEXT,
                    document_title TEXT,
                    source_file_path TEXT NOT NULL,
                    file_size INTEGER,
                    file_hash TEXT,
                    processing_method TEXT DEFAULT 'production_pipeline',
                    processing_time_ms REAL,
                    extraction_confidence REAL,
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    status TEXT DEFAULT 'processed',
                    raw_grok_json JSONB,
                    ocr_supplementary_json JSONB,
                    processing_steps_json JSONB,
                    validation_details_json JSONB
                );

                CREATE TABLE letter_products (
                    id SERIAL PRIMARY KEY,
                    letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
                    product_identifier TEXT,
                    range_label TEXT,
                    subrange_label TEXT,
                    product_line TEXT,
                    product_description TEXT,
                    obsolescence_status TEXT,
                    end_of_service_date TEXT,
                    replacement_suggestions TEXT,
                    confidence_score REAL DEFAULT 0.0,
                    validation_status TEXT DEFAULT 'validated'
                );

                CREATE TABLE letter_product_matches (
                    id SERIAL PRIMARY KEY,
                    letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
                    letter_product_id INTEGER NOT NULL REFERENCES letter_products(id) ON DELETE CASCADE,
                    ibcatalogue_product_identifier TEXT NOT NULL,
                    match_confidence REAL NOT NULL,
                    match_reason TEXT,
                    technical_match_score REAL DEFAULT 0.0,
                    nomenclature_match_score REAL DEFAULT 0.0,
                    product_line_match_score REAL DEFAULT 0.0,
                    match_type TEXT,
                    range_based_matching BOOLEAN DEFAULT FALSE,
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
                );

                CREATE TABLE processing_debug (
                    id SERIAL PRIMARY KEY,
                    letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
                    processing_step TEXT NOT NULL,
                    step_timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    step_duration_ms REAL,
                    step_success BOOLEAN DEFAULT TRUE,
                    step_details TEXT,
                    error_message TEXT
                );

                CREATE INDEX idx_letters_source_path ON letters(source_file_path);
                CREATE INDEX idx_letters_status ON letters(status);
                CREATE INDEX idx_letters_file_hash ON letters(file_hash);
                CREATE INDEX idx_letters_created_at ON letters(created_at);
                CREATE INDEX idx_letters_document_name ON letters(document_name);

                CREATE INDEX idx_products_letter_id ON letter_products(letter_id);
                CREATE INDEX idx_products_range_label ON letter_products(range_label);
                CREATE INDEX idx_products_product_identifier ON letter_products(product_identifier);

                CREATE INDEX idx_matches_letter_id ON letter_product_matches(letter_id);
                CREATE INDEX idx_matches_product_id ON letter_product_matches(letter_product_id);
                CREATE INDEX idx_matches_ibcatalogue_id ON letter_product_matches(ibcatalogue_product_identifier);
                CREATE INDEX idx_matches_confidence ON letter_product_matches(match_confidence);

                CREATE INDEX idx_debug_letter_id ON processing_debug(letter_id);
                CREATE INDEX idx_debug_timestamp ON processing_debug(step_timestamp);
                CREATE INDEX idx_debug_step ON processing_debug(processing_step);

                CREATE INDEX idx_letters_raw_grok_gin ON letters USING GIN (raw_grok_json);
                CREATE INDEX idx_letters_validation_details_gin ON letters USING GIN (validation_details_json);

                CREATE INDEX idx_letters_created_at_status ON letters(created_at, status);
                CREATE INDEX idx_products_letter_range ON letter_products(letter_id, range_label);
                CREATE INDEX idx_matches_confidence_type ON letter_product_matches(match_confidence, match_type);

                CREATE INDEX idx_letters_processed ON letters(id) WHERE status = 'processed';
                CREATE INDEX idx_letters_failed ON letters(id) WHERE status = 'failed';

                CREATE INDEX idx_letters_covering ON letters(id, document_name, created_at, status);
                """);

            // The DuckDB import's own records (docs/import.md): its runs, the tables each run finished (written in the
            // same transaction as their rows), the source rows that break a target constraint, and the secondary indexes
            // it dropped to load an empty table and has not built again yet.
            migrationBuilder.Sql("""
                CREATE TABLE import_runs (
                    id serial PRIMARY KEY,
                    source_path text NOT NULL,
                    started_at timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
                    finished_at timestamp without time zone,
                    status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
                    report jsonb
                );
                CREATE TABLE import_table_progress (
                    run_id integer NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
                    table_name text NOT NULL,
                    imported bigint NOT NULL,
                    quarantined bigint NOT NULL,
                    already_present bigint NOT NULL,
                    finished_at timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
                    PRIMARY KEY (run_id, table_name)
                );
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
                CREATE TABLE import_dropped_indexes (
                    index_name text PRIMARY KEY,
                    table_name text NOT NULL,
                    definition text NOT NULL,
                    run_id integer REFERENCES import_runs (id) ON DELETE SET NULL,
                    dropped_at timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP
                );
                """);

            // Searching letters (docs/schema.md): the searched columns lower-cased once at write time, joined by a line
            // feed so that a term (which holds no control character) matches within one column; trigram indexes without
            // a pending list, which every search would scan; btree indexes for the sort orders the plan left unindexed.
            // letter_search holds a narrow row per letter for counting and sorting matches, kept by a row trigger.
            // The triggers skip a bulk loader's session (seletters.bulk_load = on), which calls the refresh_* functions
            // when it is done.
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS pg_trgm;

                ALTER TABLE letters ADD COLUMN search_text text
                    GENERATED ALWAYS AS (lower(coalesce(document_name, '') || E'\n' || coalesce(document_title, '') || E'\n' || coalesce(source_file_path, ''))) STORED;
                CREATE INDEX idx_letters_search_text_trgm ON letters USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);
                CREATE INDEX idx_letters_processing_time ON letters (processing_time_ms, id);
                CREATE INDEX idx_letters_extraction_confidence ON letters (extraction_confidence, id);
                CREATE INDEX idx_letters_status_id ON letters (status, id);

                CREATE TABLE letter_search (
                    letter_id integer NOT NULL,
                    search_text text NOT NULL,
                    document_name text NOT NULL,
                    processing_time_ms real,
                    extraction_confidence real,
                    created_at timestamp without time zone,
                    status text,
                    CONSTRAINT letter_search_pkey PRIMARY KEY (letter_id),
                    CONSTRAINT letter_search_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters (id) ON DELETE CASCADE
                );
                CREATE INDEX idx_letter_search_trgm ON letter_search USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);

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
                CREATE FUNCTION refresh_letter_search() RETURNS void LANGUAGE sql AS $$
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
                """);

            // letter_product_search: one row per letter with products, each product's identifier and range lower-cased,
            // one product after the other (search_text), next to the letter's own search_text (letter_text), each with a
            // trigram index. A letter's row is written once, at commit, however many products it was stored with.
            migrationBuilder.Sql("""
                CREATE TABLE letter_product_search (
                    letter_id integer NOT NULL,
                    search_text text NOT NULL,
                    letter_text text NOT NULL DEFAULT '',
                    CONSTRAINT letter_product_search_pkey PRIMARY KEY (letter_id),
                    CONSTRAINT letter_product_search_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters (id) ON DELETE CASCADE
                );
                CREATE INDEX idx_letter_product_search_trgm ON letter_product_search USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);
                CREATE INDEX idx_letter_product_search_letter_text_trgm ON letter_product_search USING gin (letter_text gin_trgm_ops) WITH (fastupdate = off);

                CREATE FUNCTION letter_product_search_line(product_identifier text, range_label text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT lower(coalesce(product_identifier, '') || E'\n' || coalesce(range_label, ''))
                $$;
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
                CREATE FUNCTION refresh_letter_product_search() RETURNS void LANGUAGE sql AS $$
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
                """);

            // The totals behind GET /api/letters/statistics. Every write adds its signed contribution (+1 when a letter
            // comes, -1 when it goes) to letter_statistics_changes in its own transaction (insert-only: concurrent writers
            // never wait on each other); fold_letter_statistics() moves them into letter_statistics; the view sums both,
            // so a read is exact as of its snapshot. NaN and ±Infinity, which only imported letters hold, stay out of
            // averages and histogram; sums are numeric, so adding and taking away a value leaves no rounding behind.
            // Folding and recounting exclude each other through one advisory lock; a recount holds writers off with a
            // SHARE lock, so no change is counted both in the recount and in a change row, or in neither.
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

                CREATE TRIGGER letters_statistics_insert AFTER INSERT ON letters
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_statistics_letter_changed();
                CREATE TRIGGER letters_statistics_delete AFTER DELETE ON letters
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_statistics_letter_changed();
                CREATE TRIGGER letters_statistics_update AFTER UPDATE OF status, created_at, extraction_confidence, processing_time_ms ON letters
                    FOR EACH ROW WHEN ((OLD.status, OLD.created_at, OLD.extraction_confidence, OLD.processing_time_ms)
                        IS DISTINCT FROM (NEW.status, NEW.created_at, NEW.extraction_confidence, NEW.processing_time_ms) AND current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on')
                    EXECUTE FUNCTION letter_statistics_letter_changed();
                CREATE TRIGGER letter_products_statistics AFTER INSERT OR DELETE ON letter_products
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_statistics_row_counted('products');
                CREATE TRIGGER letter_product_matches_statistics AFTER INSERT OR DELETE ON letter_product_matches
                    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_statistics_row_counted('matches');

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
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Dropping the tables drops their indexes and triggers with them.
            migrationBuilder.Sql("""
                DROP VIEW letter_statistics_current;
                DROP TABLE letter_statistics_changes, letter_statistics, letter_product_search, letter_search,
                    import_dropped_indexes, migration_quarantine, import_table_progress, import_runs,
                    processing_debug, letter_product_matches, letter_products, letters;
                DROP FUNCTION fold_letter_statistics(), refresh_letter_statistics(), letter_statistics_row_counted(),
                    letter_statistics_letter_changed(), letter_statistics_terms(integer, text, timestamp, real, real),
                    refresh_letter_product_search(), letter_product_search_letter_changed(), letter_product_search_changed(),
                    letter_product_search_inserted(), letter_product_search_recompute(integer), letter_product_search_line(text, text),
                    refresh_letter_search(), letter_search_changed();
                DROP EXTENSION IF EXISTS pg_trgm;
                """);
        }
    }
}
