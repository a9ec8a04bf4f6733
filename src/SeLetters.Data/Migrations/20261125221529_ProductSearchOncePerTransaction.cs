using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// The pipeline stores a letter with its products in one transaction. The product insert trigger rewrote the letter's
    /// <c>letter_product_search</c> row once per product, and each rewrite put every trigram of both its texts into the
    /// two trigram indexes again: with the indexes updated in place (<see cref="SearchIndexesWithoutPendingList"/>) that
    /// was 5–6 ms of each product insert. The insert trigger is now deferred to commit, and the recompute writes only
    /// when the row would change, so a stored letter's row is written once. Deletes and updates of products still
    /// recompute at once (<c>letter_product_search_changed()</c>).
    /// </summary>
    public partial class ProductSearchOncePerTransaction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
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
                    FOR EACH ROW WHEN ({BulkLoad.TriggersEnabled}) EXECUTE FUNCTION letter_product_search_inserted();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP TRIGGER letter_products_search_insert ON letter_products;
                CREATE TRIGGER letter_products_search_insert AFTER INSERT ON letter_products
                    FOR EACH ROW WHEN ({BulkLoad.TriggersEnabled}) EXECUTE FUNCTION letter_product_search_changed();
                DROP FUNCTION letter_product_search_inserted();
                {ProductSearchLetterText.RecomputeFunction}
                """);
        }
    }
}
