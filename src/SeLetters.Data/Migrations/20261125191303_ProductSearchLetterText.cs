using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// A search with both a term and a product filter read every letter whose products matched (one range is in a tenth
    /// of all letters) and then each one's row to test the term: tens of milliseconds at 100,000 letters, seconds at a
    /// million. <c>letter_product_search.letter_text</c> holds the letter's own <c>search_text</c> next to its products'
    /// text, with a trigram index of its own, so PostgreSQL ANDs the two trigram bitmaps of one narrow table instead.
    /// Kept by the product triggers (which read the letter's text when they write the row) and by a row trigger on the
    /// letters' searched columns; <c>refresh_letter_product_search()</c> rebuilds both columns after a bulk load.
    /// </summary>
    public partial class ProductSearchLetterText : Migration
    {
        private const string Index = "idx_letter_product_search_letter_text_trgm";

        /// <summary>
        /// <c>letter_product_search_recompute()</c> as this migration defines it; <see cref="ProductSearchOncePerTransaction"/>
        /// replaces it and restores this on its way down.
        /// </summary>
        internal const string RecomputeFunction = """
            CREATE OR REPLACE FUNCTION letter_product_search_recompute(letter integer) RETURNS void LANGUAGE sql AS $$
                DELETE FROM letter_product_search WHERE letter_id = letter;
                INSERT INTO letter_product_search (letter_id, search_text, letter_text)
                SELECT letter, string_agg(letter_product_search_line(product_identifier, range_label), E'\n' ORDER BY id),
                    (SELECT coalesce(search_text, '') FROM letters WHERE id = letter)
                FROM letter_products WHERE letter_id = letter
                HAVING count(*) > 0;
            $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($$"""
                ALTER TABLE letter_product_search ADD COLUMN letter_text text NOT NULL DEFAULT '';
                {{RecomputeFunction}}
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
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER letters_product_search_text AFTER UPDATE OF document_name, document_title, source_file_path ON letters
                    FOR EACH ROW WHEN ({BulkLoad.TriggersEnabled} AND OLD.search_text IS DISTINCT FROM NEW.search_text)
                    EXECUTE FUNCTION letter_product_search_letter_changed();
                """);

            // Concurrently, outside a transaction, dropped first so a stopped run can simply run again (as SearchIndexes).
            migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {Index};", suppressTransaction: true);
            migrationBuilder.Sql($"CREATE INDEX CONCURRENTLY {Index} ON letter_product_search USING gin (letter_text gin_trgm_ops);", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {Index};", suppressTransaction: true);
            migrationBuilder.Sql("""
                DROP TRIGGER letters_product_search_text ON letters;
                DROP FUNCTION letter_product_search_letter_changed();
                ALTER TABLE letter_product_search DROP COLUMN letter_text;
                """);
            migrationBuilder.Sql(SearchText.ProductSearchFunctions);
        }
    }
}
