namespace SeLetters.MigrationService.Privileges;

/// <summary>
/// Every table the API's role may touch, and how; any other table (<c>__EFMigrationsHistory</c>, <c>import_*</c>,
/// <c>migration_*</c>, whatever a later migration adds) it may not even read. The derived tables are written by row
/// triggers and by <c>fold_letter_statistics()</c>, which run as the role whose write fired them, so the role holds what
/// they write. The alternative, SECURITY DEFINER trigger functions, would run that code as the schema owner (the server's
/// superuser under the AppHost) on every request's rows; the grants instead let the role write nothing the owner
/// reads as code, and the owner rebuilds every derived table from the letters (<c>BulkLoad.RefreshAsync</c>).
/// </summary>
internal static class ApiTableGrants
{
    private const string ReadWrite = "SELECT, INSERT, UPDATE, DELETE";

    public static readonly IReadOnlyList<(string Table, string Privileges)> Tables =
    [
        // What the endpoints store, change, delete and read.
        ("letters", ReadWrite),
        ("letter_products", ReadWrite),
        ("letter_product_matches", ReadWrite),
        ("processing_debug", ReadWrite),
        // The row triggers claim a written letter; the claim's deferred trigger deletes it and rewrites the search rows.
        ("derived_rows_pending", "SELECT, INSERT, DELETE"),
        // rewrite_letter_search(): an upsert per letter written (its deletion cascades, which runs as the table's owner).
        ("letter_search", "SELECT, INSERT, UPDATE"),
        // rewrite_letter_product_search(): an upsert, and a delete when a letter's last product goes.
        ("letter_product_search", ReadWrite),
        // rewrite_letter_ranges(): a letter's distinct product ranges inserted and deleted at commit (a letter's deletion
        // cascades, which runs as the table's owner).
        ("letter_ranges", "SELECT, INSERT, DELETE"),
        // The statistics triggers insert change rows; fold_letter_statistics() moves them into the totals.
        ("letter_statistics_changes", "SELECT, INSERT, DELETE"),
        ("letter_statistics", ReadWrite),
        ("letter_statistics_current", "SELECT"),
    ];
}
