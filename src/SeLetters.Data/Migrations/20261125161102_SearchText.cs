using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// Search at scale (issue 7): the stored lower-cased <c>search_text</c> of letters with one trigram index, replacing
    /// the three per-column trigram indexes of <see cref="SearchIndexes"/>; <c>letter_product_search</c>, one row per letter
    /// with its products' identifiers and ranges lower-cased, so a product filter matches about one row per letter
    /// instead of five product rows (kept by row triggers on letter_products; a bulk load rebuilds it with
    /// <c>refresh_letter_product_search()</c>); btree indexes for the two sort orders the seed left unindexed. Adding a
    /// stored column rewrites the letters table: on a populated database this migration holds it locked for a while.
    /// </summary>
    public partial class SearchText : Migration
    {
        private static readonly string[] ReplacedIndexes =
            ["idx_letters_document_name_trgm", "idx_letters_document_title_trgm", "idx_letters_source_file_path_trgm"];

        private static readonly (string Name, string Definition)[] Indexes =
        [
            ("idx_letters_search_text_trgm", "letters USING gin (search_text gin_trgm_ops)"),
            ("idx_letter_product_search_trgm", "letter_product_search USING gin (search_text gin_trgm_ops)"),
            ("idx_letters_processing_time", "letters (processing_time_ms, id)"),
            ("idx_letters_extraction_confidence", "letters (extraction_confidence, id)"),
        ];

        /// <summary>
        /// The functions behind letter_product_search as this migration created them; <see cref="ProductSearchLetterText"/>
        /// replaces them and restores these on its way down.
        /// </summary>
        internal const string ProductSearchFunctions = """
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
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "letters",
                type: "text",
                nullable: true,
                computedColumnSql: "lower(coalesce(document_name, '') || E'\\n' || coalesce(document_title, '') || E'\\n' || coalesce(source_file_path, ''))",
                stored: true);

            // Lines are lower(product_identifier || '\n' || range_label), one product after the other, so a term (which
            // cannot hold a control character) matches within one field of one product.
            migrationBuilder.Sql("""
                CREATE TABLE letter_product_search (
                    letter_id integer NOT NULL,
                    search_text text NOT NULL,
                    CONSTRAINT letter_product_search_pkey PRIMARY KEY (letter_id),
                    CONSTRAINT letter_product_search_letter_id_fkey FOREIGN KEY (letter_id) REFERENCES letters (id) ON DELETE CASCADE
                );
                """);
            migrationBuilder.Sql(ProductSearchFunctions);
            migrationBuilder.Sql($"""
                CREATE TRIGGER letter_products_search_insert AFTER INSERT ON letter_products
                    FOR EACH ROW WHEN ({BulkLoad.TriggersEnabled}) EXECUTE FUNCTION letter_product_search_changed();
                CREATE TRIGGER letter_products_search_change AFTER DELETE OR UPDATE OF letter_id, product_identifier, range_label ON letter_products
                    FOR EACH ROW WHEN ({BulkLoad.TriggersEnabled}) EXECUTE FUNCTION letter_product_search_changed();
                SELECT refresh_letter_product_search();
                """);

            // Concurrently, outside a transaction, dropped first so a stopped run can simply run again (as SearchIndexes).
            foreach (var name in ReplacedIndexes)
            {
                migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {name};", suppressTransaction: true);
            }

            foreach (var (name, definition) in Indexes)
            {
                migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {name};", suppressTransaction: true);
                migrationBuilder.Sql($"CREATE INDEX CONCURRENTLY {name} ON {definition};", suppressTransaction: true);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (name, _) in Indexes)
            {
                migrationBuilder.Sql($"DROP INDEX CONCURRENTLY IF EXISTS {name};", suppressTransaction: true);
            }

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "letters");
            migrationBuilder.Sql("""
                DROP TRIGGER letter_products_search_change ON letter_products;
                DROP TRIGGER letter_products_search_insert ON letter_products;
                DROP FUNCTION refresh_letter_product_search();
                DROP FUNCTION letter_product_search_changed();
                DROP FUNCTION letter_product_search_recompute(integer);
                DROP FUNCTION letter_product_search_line(text, text);
                DROP TABLE letter_product_search;
                """);

            foreach (var name in ReplacedIndexes)
            {
                var column = name["idx_letters_".Length..^"_trgm".Length];
                migrationBuilder.Sql($"CREATE INDEX CONCURRENTLY {name} ON letters USING gin ({column} gin_trgm_ops);", suppressTransaction: true);
            }
        }
    }
}
