namespace SeLetters.Data;

/// <summary>
/// The stored, lower-cased text a substring search runs on: the searched columns joined by a line feed, so a term
/// (which may not contain control characters) matches within one column only, as an ILIKE on each column would.
/// </summary>
public static class SearchText
{
    /// <summary>
    /// The shadow property of <see cref="Entities.Letter"/>. Searches read its copy in letter_search (kept by a trigger;
    /// products have letter_product_search instead).
    /// </summary>
    public const string Property = "SearchText";

    internal const string Column = "search_text";

    internal static string Of(params string[] columns) =>
        $"lower({string.Join(" || E'\\n' || ", columns.Select(column => $"coalesce({column}, '')"))})";
}
