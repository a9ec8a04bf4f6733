namespace SeLetters.Data;

/// <summary>
/// The session setting a bulk loader (the import) turns on so the row triggers that maintain derived tables (the
/// statistics totals, the per-letter search rows and product search text) skip its rows; it rebuilds them itself when it is done
/// (<see cref="RefreshSql"/>). Any other session keeps them current row by row.
/// </summary>
public static class BulkLoad
{
    public const string Setting = "seletters.bulk_load";

    /// <summary>Rebuilds everything the triggers would have maintained, exactly, whoever writes meanwhile.</summary>
    public const string RefreshSql = "SELECT refresh_letter_product_search(), refresh_letter_search(), refresh_letter_statistics()";
}
