-- What a database migrated before the squash went through: the script `dotnet ef migrations script` wrote for the
-- twelve migrations squashed into Baseline, at commit 19577db. SquashedMigrationHistoryTests applies it with psql.

CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    migration_id character varying(150) NOT NULL,
    product_version character varying(32) NOT NULL,
    CONSTRAINT pk___ef_migrations_history PRIMARY KEY (migration_id)
);

START TRANSACTION;
CREATE TABLE letters (
    id serial NOT NULL,
    document_name text NOT NULL,
    document_type text,
    document_title text,
    source_file_path text NOT NULL,
    file_size integer,
    file_hash text,
    processing_method text DEFAULT 'production_pipeline',
    processing_time_ms real,
    extraction_confidence real,
    created_at timestamp without time zone DEFAULT (CURRENT_TIMESTAMP),
    updated_at timestamp without time zone DEFAULT (CURRENT_TIMESTAMP),
    status text DEFAULT 'processed',
    raw_grok_json jsonb,
    ocr_supplementary_json jsonb,
    processing_steps_json jsonb,
    validation_details_json jsonb,
    CONSTRAINT letters_pkey PRIMARY KEY (id)
);

CREATE TABLE letter_products (
    id serial NOT NULL,
    letter_id integer NOT NULL,
    product_identifier text,
    range_label text,
    subrange_label text,
    product_line text,
    product_description text,
    obsolescence_status text,
    end_of_service_date text,
    replacement_suggestions text,
    confidence_score real DEFAULT (0.0),
    validation_status text DEFAULT 'validated',
    CONSTRAINT letter_products_pkey PRIMARY KEY (id),
    CONSTRAINT letter_products_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters (id) ON DELETE CASCADE
);

CREATE TABLE processing_debug (
    id serial NOT NULL,
    letter_id integer NOT NULL,
    processing_step text NOT NULL,
    step_timestamp timestamp without time zone DEFAULT (CURRENT_TIMESTAMP),
    step_duration_ms real,
    step_success boolean DEFAULT TRUE,
    step_details text,
    error_message text,
    CONSTRAINT processing_debug_pkey PRIMARY KEY (id),
    CONSTRAINT processing_debug_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters (id) ON DELETE CASCADE
);

CREATE TABLE letter_product_matches (
    id serial NOT NULL,
    letter_id integer NOT NULL,
    letter_product_id integer NOT NULL,
    ibcatalogue_product_identifier text NOT NULL,
    match_confidence real NOT NULL,
    match_reason text,
    technical_match_score real DEFAULT (0.0),
    nomenclature_match_score real DEFAULT (0.0),
    product_line_match_score real DEFAULT (0.0),
    match_type text,
    range_based_matching boolean DEFAULT FALSE,
    created_at timestamp without time zone DEFAULT (CURRENT_TIMESTAMP),
    CONSTRAINT letter_product_matches_pkey PRIMARY KEY (id),
    CONSTRAINT letter_product_matches_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters (id) ON DELETE CASCADE,
    CONSTRAINT letter_product_matches_letter_product_id_fkey FOREIGN KEY (letter_product_id) REFERENCES letter_products (id) ON DELETE CASCADE
);

CREATE INDEX idx_matches_confidence ON letter_product_matches (match_confidence);

CREATE INDEX idx_matches_ibcatalogue_id ON letter_product_matches (ibcatalogue_product_identifier);

CREATE INDEX idx_matches_letter_id ON letter_product_matches (letter_id);

CREATE INDEX idx_matches_product_id ON letter_product_matches (letter_product_id);

CREATE INDEX idx_products_letter_id ON letter_products (letter_id);

CREATE INDEX idx_products_product_identifier ON letter_products (product_identifier);

CREATE INDEX idx_products_range_label ON letter_products (range_label);

CREATE INDEX idx_letters_created_at ON letters (created_at);

CREATE INDEX idx_letters_document_name ON letters (document_name);

CREATE INDEX idx_letters_file_hash ON letters (file_hash);

CREATE INDEX idx_letters_raw_grok_gin ON letters USING gin (raw_grok_json);

CREATE INDEX idx_letters_source_path ON letters (source_file_path);

CREATE INDEX idx_letters_status ON letters (status);

CREATE INDEX idx_letters_validation_details_gin ON letters USING gin (validation_details_json);

CREATE INDEX idx_debug_letter_id ON processing_debug (letter_id);

CREATE INDEX idx_debug_step ON processing_debug (processing_step);

CREATE INDEX idx_debug_timestamp ON processing_debug (step_timestamp);

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125133558_InitialSchema', '10.0.15');

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_covering;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_created_at_status;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_failed;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_processed;

DROP INDEX CONCURRENTLY IF EXISTS idx_products_letter_range;

DROP INDEX CONCURRENTLY IF EXISTS idx_matches_confidence_type;

CREATE INDEX CONCURRENTLY idx_letters_covering ON letters (id, document_name, created_at, status);

CREATE INDEX CONCURRENTLY idx_letters_created_at_status ON letters (created_at, status);

CREATE INDEX CONCURRENTLY idx_letters_failed ON letters (id) WHERE status = 'failed';

CREATE INDEX CONCURRENTLY idx_letters_processed ON letters (id) WHERE status = 'processed';

CREATE INDEX CONCURRENTLY idx_products_letter_range ON letter_products (letter_id, range_label);

CREATE INDEX CONCURRENTLY idx_matches_confidence_type ON letter_product_matches (match_confidence, match_type);

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125133605_PerformanceIndexes', '10.0.15');

START TRANSACTION;
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

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125135721_ImportBookkeeping', '10.0.15');

COMMIT;

START TRANSACTION;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_document_name_trgm;

CREATE INDEX CONCURRENTLY idx_letters_document_name_trgm ON letters USING gin (document_name gin_trgm_ops);

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_document_title_trgm;

CREATE INDEX CONCURRENTLY idx_letters_document_title_trgm ON letters USING gin (document_title gin_trgm_ops);

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_source_file_path_trgm;

CREATE INDEX CONCURRENTLY idx_letters_source_file_path_trgm ON letters USING gin (source_file_path gin_trgm_ops);

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125140846_SearchIndexes', '10.0.15');

START TRANSACTION;
ALTER TABLE letters ADD search_text text GENERATED ALWAYS AS (lower(coalesce(document_name, '') || E'\n' || coalesce(document_title, '') || E'\n' || coalesce(source_file_path, ''))) STORED;

CREATE TABLE letter_product_search (
    letter_id integer NOT NULL,
    search_text text NOT NULL,
    CONSTRAINT letter_product_search_pkey PRIMARY KEY (letter_id),
    CONSTRAINT letter_product_search_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters (id) ON DELETE CASCADE
);

CREATE OR REPLACE FUNCTION letter_product_search_line(product_identifier text, range_label text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(coalesce(product_identifier, '') || E'\n' || coalesce(range_label, ''))
$$;
CREATE OR REPLACE FUNCTION letter_product_search_recompute(letter integer) RETURNS void LANGUAGE sql AS $$
    DELETE FROM letter_product_search WHERE letter_id = letter;
    INSERT INTO letter_product_search (letter_id, search_text)
    SELECT letter, string_agg(letter_product_search_line(product_identifier, range_label), E'\n' ORDER BY id)
    FROM letter_products WHERE letter_id = letter
    HAVING count(*) > 0;
$$;
-- A new product appends its line; anything else recomputes the letter's text (a cascade from a deleted
-- letter finds no products left and leaves no row).
CREATE OR REPLACE FUNCTION letter_product_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO letter_product_search (letter_id, search_text)
        VALUES (NEW.letter_id, letter_product_search_line(NEW.product_identifier, NEW.range_label))
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
CREATE OR REPLACE FUNCTION refresh_letter_product_search() RETURNS void LANGUAGE sql AS $$
    INSERT INTO letter_product_search (letter_id, search_text)
    SELECT letter_id, string_agg(letter_product_search_line(product_identifier, range_label), E'\n' ORDER BY id)
    FROM letter_products GROUP BY letter_id
    ON CONFLICT (letter_id) DO UPDATE SET search_text = excluded.search_text
    WHERE letter_product_search.search_text IS DISTINCT FROM excluded.search_text;
$$;

CREATE TRIGGER letter_products_search_insert AFTER INSERT ON letter_products
    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_product_search_changed();
CREATE TRIGGER letter_products_search_change AFTER DELETE OR UPDATE OF letter_id, product_identifier, range_label ON letter_products
    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_product_search_changed();
SELECT refresh_letter_product_search();

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_document_name_trgm;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_document_title_trgm;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_source_file_path_trgm;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_search_text_trgm;

CREATE INDEX CONCURRENTLY idx_letters_search_text_trgm ON letters USING gin (search_text gin_trgm_ops);

DROP INDEX CONCURRENTLY IF EXISTS idx_letter_product_search_trgm;

CREATE INDEX CONCURRENTLY idx_letter_product_search_trgm ON letter_product_search USING gin (search_text gin_trgm_ops);

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_processing_time;

CREATE INDEX CONCURRENTLY idx_letters_processing_time ON letters (processing_time_ms, id);

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_extraction_confidence;

CREATE INDEX CONCURRENTLY idx_letters_extraction_confidence ON letters (extraction_confidence, id);

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125161102_SearchText', '10.0.15');

START TRANSACTION;
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
SELECT refresh_letter_statistics();

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125161122_LetterStatistics', '10.0.15');

COMMIT;

START TRANSACTION;
CREATE TABLE import_dropped_indexes (
    index_name text PRIMARY KEY,
    table_name text NOT NULL,
    definition text NOT NULL,
    run_id integer REFERENCES import_runs (id) ON DELETE SET NULL,
    dropped_at timestamp without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125161927_ImportDroppedIndexes', '10.0.15');

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS idx_letters_status_id;

CREATE INDEX CONCURRENTLY idx_letters_status_id ON letters (status, id);

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125172814_StatusSortIndex', '10.0.15');

START TRANSACTION;
ALTER TABLE letter_product_search ADD COLUMN letter_text text NOT NULL DEFAULT '';
CREATE OR REPLACE FUNCTION letter_product_search_recompute(letter integer) RETURNS void LANGUAGE sql AS $$
    DELETE FROM letter_product_search WHERE letter_id = letter;
    INSERT INTO letter_product_search (letter_id, search_text, letter_text)
    SELECT letter, string_agg(letter_product_search_line(product_identifier, range_label), E'\n' ORDER BY id),
        (SELECT coalesce(search_text, '') FROM letters WHERE id = letter)
    FROM letter_products WHERE letter_id = letter
    HAVING count(*) > 0;
$$;
-- A new product appends its line; anything else recomputes the letter's text (a cascade from a deleted
-- letter finds no products left and leaves no row).
CREATE OR REPLACE FUNCTION letter_product_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
SELECT refresh_letter_product_search();

CREATE TRIGGER letters_product_search_text AFTER UPDATE OF document_name, document_title, source_file_path ON letters
    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on' AND OLD.search_text IS DISTINCT FROM NEW.search_text)
    EXECUTE FUNCTION letter_product_search_letter_changed();

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS idx_letter_product_search_letter_text_trgm;

CREATE INDEX CONCURRENTLY idx_letter_product_search_letter_text_trgm ON letter_product_search USING gin (letter_text gin_trgm_ops);

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125191303_ProductSearchLetterText', '10.0.15');

START TRANSACTION;
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
SELECT refresh_letter_search();

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS idx_letter_search_trgm;

CREATE INDEX CONCURRENTLY idx_letter_search_trgm ON letter_search USING gin (search_text gin_trgm_ops);

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125212200_LetterSearch', '10.0.15');

START TRANSACTION;
ALTER INDEX idx_letters_search_text_trgm SET (fastupdate = off); SELECT gin_clean_pending_list('idx_letters_search_text_trgm');

ALTER INDEX idx_letter_product_search_trgm SET (fastupdate = off); SELECT gin_clean_pending_list('idx_letter_product_search_trgm');

ALTER INDEX idx_letter_product_search_letter_text_trgm SET (fastupdate = off); SELECT gin_clean_pending_list('idx_letter_product_search_letter_text_trgm');

ALTER INDEX idx_letter_search_trgm SET (fastupdate = off); SELECT gin_clean_pending_list('idx_letter_search_trgm');

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125214920_SearchIndexesWithoutPendingList', '10.0.15');

COMMIT;

START TRANSACTION;
CREATE OR REPLACE FUNCTION letter_product_search_recompute(letter integer) RETURNS void LANGUAGE sql AS $$
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
DROP TRIGGER letter_products_search_insert ON letter_products;
CREATE CONSTRAINT TRIGGER letter_products_search_insert AFTER INSERT ON letter_products DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (current_setting('seletters.bulk_load', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION letter_product_search_inserted();

INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
VALUES ('20261125221529_ProductSearchOncePerTransaction', '10.0.15');

COMMIT;

