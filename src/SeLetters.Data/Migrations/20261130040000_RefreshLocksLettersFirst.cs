using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SeLetters.Data.Migrations
{
    /// <summary>
    /// The bulk refreshes lock the rows of the letters they rewrite (KEY SHARE, in id order) before they claim them,
    /// the order every writer of a letter follows: an update or a delete locks the letter's row before its BEFORE
    /// trigger claims it. The refreshes claimed first and took KEY SHARE later, for the foreign key of a derived row they
    /// inserted; a delete of that letter meanwhile held the row and waited for the claim, and one of the two was rolled
    /// back as deadlocked (CI, <c>DerivedTablesRefreshTests</c>, the refresh was).
    /// <para>
    /// KEY SHARE lets the letter be updated (PATCH, PUT) while the refresh holds it; only a delete waits for the refresh.
    /// A letter deleted before the refresh locks it is left out: its derived rows went with it.
    /// </para>
    /// </summary>
    public partial class RefreshLocksLettersFirst : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION claim_letters_for_refresh(candidates integer[]) RETURNS integer[] LANGUAGE plpgsql AS $$
                DECLARE
                    locked integer[];
                    claimed integer[];
                BEGIN
                    SELECT array_agg(id) INTO locked
                    FROM (SELECT id FROM letters WHERE id = ANY(candidates) ORDER BY id FOR KEY SHARE) letter;
                    WITH claims AS (
                        INSERT INTO derived_rows_pending (letter_id) SELECT unnest(locked) ORDER BY 1
                        ON CONFLICT DO NOTHING
                        RETURNING letter_id)
                    SELECT array_agg(letter_id) INTO claimed FROM claims;
                    RETURN claimed;
                END
                $$;

                CREATE OR REPLACE FUNCTION refresh_letter_search() RETURNS void LANGUAGE plpgsql AS $$
                DECLARE
                    stale integer[];
                BEGIN
                    stale := claim_letters_for_refresh(ARRAY(
                        SELECT l.id FROM letters l LEFT JOIN letter_search s ON s.letter_id = l.id
                        WHERE (s.search_text, s.document_name, s.processing_time_ms, s.extraction_confidence, s.created_at, s.status)
                            IS DISTINCT FROM (l.search_text, l.document_name, l.processing_time_ms, l.extraction_confidence, l.created_at, l.status)));
                    PERFORM rewrite_letter_search(stale);
                    DELETE FROM derived_rows_pending WHERE letter_id = ANY(stale);
                END
                $$;
                CREATE OR REPLACE FUNCTION refresh_letter_product_search() RETURNS void LANGUAGE plpgsql AS $$
                DECLARE
                    stale integer[];
                BEGIN
                    stale := claim_letters_for_refresh(ARRAY(
                        WITH computed AS (
                            SELECT p.letter_id, string_agg(letter_product_search_line(p.product_identifier, p.range_label), E'\n' ORDER BY p.id) AS search_text,
                                coalesce(l.search_text, '') AS letter_text
                            FROM letter_products p JOIN letters l ON l.id = p.letter_id
                            GROUP BY p.letter_id, l.search_text)
                        SELECT coalesce(c.letter_id, s.letter_id)
                        FROM computed c FULL JOIN letter_product_search s ON s.letter_id = c.letter_id
                        WHERE (s.search_text, s.letter_text) IS DISTINCT FROM (c.search_text, c.letter_text)));
                    PERFORM rewrite_letter_product_search(stale);
                    DELETE FROM derived_rows_pending WHERE letter_id = ANY(stale);
                END
                $$;
                CREATE OR REPLACE FUNCTION refresh_letter_ranges() RETURNS void LANGUAGE plpgsql AS $$
                DECLARE
                    stale integer[];
                BEGIN
                    stale := claim_letters_for_refresh(ARRAY(
                        WITH computed AS (
                            SELECT DISTINCT letter_id, range_label FROM letter_products WHERE letter_range(range_label) IS NOT NULL)
                        SELECT DISTINCT coalesce(c.letter_id, r.letter_id)
                        FROM computed c FULL JOIN letter_ranges r ON r.letter_id = c.letter_id AND r.range_label = c.range_label
                        WHERE c.letter_id IS NULL OR r.letter_id IS NULL));
                    PERFORM rewrite_letter_ranges(stale);
                    DELETE FROM derived_rows_pending WHERE letter_id = ANY(stale);
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The functions as DerivedRowsOncePerLetter and RangeAndFailedStepStatistics left them.
            migrationBuilder.Sql("""
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
                CREATE OR REPLACE FUNCTION refresh_letter_ranges() RETURNS void LANGUAGE plpgsql AS $$
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
                DROP FUNCTION claim_letters_for_refresh(integer[]);
                """);
        }
    }
}
