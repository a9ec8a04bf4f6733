using DuckDB.NET.Data;
using static SeLetters.SampleData.DuckDbStatements;

namespace SeLetters.SampleData.Letters;

/// <summary>The DDL of letters.duckdb in each shape the original application wrote (see source-duckdb-format.md).</summary>
public static class LettersSourceSchema
{
    /// <summary>
    /// Creates the tables, sequences and indexes of the shape <paramref name="options"/> describes, as the original
    /// application did: every statement IF NOT EXISTS, so a sequence created beforehand (with another START) is kept.
    /// </summary>
    public static void Create(DuckDBConnection connection, LettersSampleOptions options)
    {
        var fk = options.WithForeignKeys;
        Execute(connection, "CREATE SEQUENCE IF NOT EXISTS letters_id_seq START 1");
        Execute(connection, "CREATE SEQUENCE IF NOT EXISTS products_id_seq START 1");
        Execute(connection, "CREATE SEQUENCE IF NOT EXISTS debug_id_seq START 1");
        if (options.WithMatchesTable)
        {
            Execute(connection, "CREATE SEQUENCE IF NOT EXISTS matches_id_seq START 1");
        }

        if (options.ColumnOrder == LettersColumnOrder.Current)
        {
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS letters (
                    id INTEGER DEFAULT nextval('letters_id_seq') PRIMARY KEY,
                    document_name TEXT NOT NULL,
                    document_type TEXT,
                    document_title TEXT,
                    source_file_path TEXT NOT NULL,
                    file_size INTEGER,
                    processing_method TEXT DEFAULT 'production_pipeline',
                    processing_time_ms REAL,
                    extraction_confidence REAL,
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    status TEXT DEFAULT 'processed',
                    raw_grok_json TEXT,
                    ocr_supplementary_json TEXT,
                    processing_steps_json TEXT,
                    file_hash TEXT,
                    validation_details_json TEXT
                )
                """);
        }
        else
        {
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS letters (
                    id INTEGER DEFAULT nextval('letters_id_seq') PRIMARY KEY,
                    document_name TEXT NOT NULL,
                    document_type TEXT,
                    document_title TEXT,
                    source_file_path TEXT NOT NULL,
                    file_size INTEGER,
                    processing_method TEXT DEFAULT 'raw_file_grok',
                    processing_time_ms REAL,
                    extraction_confidence REAL,
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    status TEXT DEFAULT 'processed',
                    raw_grok_json TEXT,
                    ocr_supplementary_json TEXT,
                    processing_steps_json TEXT
                )
                """);
            Execute(connection, "ALTER TABLE letters ADD COLUMN file_hash TEXT");
            Execute(connection, "ALTER TABLE letters ADD COLUMN updated_at TIMESTAMP");
            Execute(connection, "ALTER TABLE letters ADD COLUMN validation_details_json TEXT");
        }

        var scores = options.WithProductScoreColumns ? ",\n confidence_score REAL DEFAULT 0.0,\n validation_status TEXT DEFAULT 'validated'" : "";
        Execute(connection, $"""
            CREATE TABLE IF NOT EXISTS letter_products (
                id INTEGER DEFAULT nextval('products_id_seq') PRIMARY KEY,
                letter_id INTEGER NOT NULL,
                product_identifier TEXT,
                range_label TEXT,
                subrange_label TEXT,
                product_line TEXT,
                product_description TEXT,
                obsolescence_status TEXT,
                end_of_service_date TEXT,
                replacement_suggestions TEXT{scores}{(fk ? ",\n FOREIGN KEY (letter_id) REFERENCES letters(id)" : "")}
            )
            """);

        if (options.WithMatchesTable)
        {
            Execute(connection, $"""
                CREATE TABLE IF NOT EXISTS letter_product_matches (
                    id INTEGER DEFAULT nextval('matches_id_seq') PRIMARY KEY,
                    letter_id INTEGER NOT NULL,
                    letter_product_id INTEGER,
                    ibcatalogue_product_identifier TEXT NOT NULL,
                    match_confidence REAL NOT NULL,
                    match_reason TEXT,
                    technical_match_score REAL DEFAULT 0.0,
                    nomenclature_match_score REAL DEFAULT 0.0,
                    product_line_match_score REAL DEFAULT 0.0,
                    match_type TEXT,
                    range_based_matching BOOLEAN DEFAULT false,
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP{(fk ? ",\n FOREIGN KEY (letter_id) REFERENCES letters(id),\n FOREIGN KEY (letter_product_id) REFERENCES letter_products(id)" : "")}
                )
                """);
        }

        var errorMessage = options.WithDebugErrorMessage ? ",\n error_message TEXT" : "";
        Execute(connection, $"""
            CREATE TABLE IF NOT EXISTS processing_debug (
                id INTEGER DEFAULT nextval('debug_id_seq') PRIMARY KEY,
                letter_id INTEGER NOT NULL,
                processing_step TEXT NOT NULL,
                step_timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                step_duration_ms REAL,
                step_success BOOLEAN DEFAULT true,
                step_details TEXT{errorMessage}{(fk ? ",\n FOREIGN KEY (letter_id) REFERENCES letters(id)" : "")}
            )
            """);

        Execute(connection, "CREATE INDEX IF NOT EXISTS idx_letters_source_path ON letters(source_file_path)");
        Execute(connection, "CREATE INDEX IF NOT EXISTS idx_letters_status ON letters(status)");
        Execute(connection, "CREATE INDEX IF NOT EXISTS idx_products_letter_id ON letter_products(letter_id)");
        Execute(connection, "CREATE INDEX IF NOT EXISTS idx_debug_letter_id ON processing_debug(letter_id)");
    }
}
