-- The schema of postgresql-migration-plan-v2.2.0.md, verbatim: Phase 2 (2.1) then Phase 7 (7.2).
-- SchemaComparisonTests applies it to a scratch database and compares it with the migrated one.

-- letters table
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

-- letter_products table
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

-- letter_product_matches table
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

-- processing_debug table
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

-- Performance indexes
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

-- JSONB indexes for better performance
CREATE INDEX idx_letters_raw_grok_gin ON letters USING GIN (raw_grok_json);
CREATE INDEX idx_letters_validation_details_gin ON letters USING GIN (validation_details_json);

-- Add performance indexes
CREATE INDEX CONCURRENTLY idx_letters_created_at_status ON letters(created_at, status);
CREATE INDEX CONCURRENTLY idx_products_letter_range ON letter_products(letter_id, range_label);
CREATE INDEX CONCURRENTLY idx_matches_confidence_type ON letter_product_matches(match_confidence, match_type);

-- Add partial indexes for common queries
CREATE INDEX CONCURRENTLY idx_letters_processed ON letters(id) WHERE status = 'processed';
CREATE INDEX CONCURRENTLY idx_letters_failed ON letters(id) WHERE status = 'failed';

-- Add covering indexes for frequently accessed columns
CREATE INDEX CONCURRENTLY idx_letters_covering ON letters(id, document_name, created_at, status);
