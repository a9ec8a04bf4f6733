using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// A search counts its matches (up to <c>Api:SearchCountLimit</c>) and, when there are no more, sorts them for its
    /// page. On <c>letters</c>, whose rows carry the JSON documents (1.2 KB each at 100,000 letters), every match costs a
    /// random read of a wide row: 10–26 ms to count a term in a tenth of the letters with a status or confidence filter.
    /// <c>letter_search</c> holds one narrow row per letter, its search text and the columns a search filters and sorts
    /// on, with a trigram index, so the same counts take 2–7 ms. Kept by a row trigger on letters (insert, and updates of
    /// those columns; deletes cascade), rebuilt by <c>refresh_letter_search()</c> after a bulk load.
    /// </summary>
    public partial class LetterSearch : Migration
    {
        private const string Index = "idx_letter_search_trgm";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // search_text is derived from document_name, document_title and source_file_path: the trigger follows all three.
            migrationBuilder.Sql($"""
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
                    FOR EACH ROW WHEN ({BulkLoad.TriggersEnabled}) EXECUTE FUNCTION letter_search_changed();
                SELECT refresh_letter_search();
                """);

            // Concurrently, outside a transaction, dropped first so a stopped run can simply run again (as SearchIndexes).
            migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {Index};", suppressTransaction: true);
            migrationBuilder.Sql($"CREATE INDEX CONCURRENTLY {Index} ON letter_search USING gin (search_text gin_trgm_ops);", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER letters_search ON letters;
                DROP FUNCTION refresh_letter_search();
                DROP FUNCTION letter_search_changed();
                DROP TABLE letter_search;
                """);
        }
    }
}
