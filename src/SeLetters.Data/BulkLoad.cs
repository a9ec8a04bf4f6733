using Npgsql;

namespace SeLetters.Data;

/// <summary>
/// The session setting a bulk loader (the import) turns on so the row triggers that maintain derived tables (the
/// statistics totals, the per-letter search rows and product search text) skip its rows; it rebuilds them itself when it is done
/// (<see cref="RefreshAsync"/>). Any other session keeps them current row by row.
/// </summary>
public static class BulkLoad
{
    public const string Setting = "seletters.bulk_load";

    private static readonly string[] Refreshes = ["refresh_letter_product_search", "refresh_letter_search", "refresh_letter_statistics"];

    /// <summary>The tables the refreshes write (<c>refresh_letter_statistics</c> writes the ranges and the totals).</summary>
    public static IReadOnlyList<string> DerivedTables { get; } = ["letter_search", "letter_product_search", "letter_ranges", "letter_statistics"];

    /// <summary>
    /// Rebuilds everything the triggers would have maintained, exactly, whoever writes meanwhile. Each refresh runs in a
    /// transaction of its own: each claims its letters in id order, but one transaction holding the first refresh's
    /// claims while taking the next one's would not claim in id order, and deadlocked with the API's writers.
    /// </summary>
    public static async Task RefreshAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        foreach (var refresh in Refreshes)
        {
            await using var command = new NpgsqlCommand($"SELECT {refresh}()", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
