namespace SeLetters.Web.Components.Shared;

/// <summary>Where a search term occurs in a text, matched as the API matches it: case-insensitive (invariant lower case), the term taken literally.</summary>
public static class TextMatches
{
    /// <summary>The text cut into pieces, each marked as matching the term or not; the pieces join back into the text.</summary>
    public static IReadOnlyList<(string Text, bool Match)> Split(string text, string? term)
    {
        term = term?.Trim();
        if (string.IsNullOrEmpty(term) || string.IsNullOrEmpty(text))
        {
            return [(text, false)];
        }

        // Lower-casing maps each UTF-16 unit to one unit, so positions in the lower-cased copy are positions in the text.
        var lower = text.ToLowerInvariant();
        var lowerTerm = term.ToLowerInvariant();
        var pieces = new List<(string, bool)>();
        var start = 0;
        for (var found = lower.IndexOf(lowerTerm, StringComparison.Ordinal); found >= 0; found = lower.IndexOf(lowerTerm, start, StringComparison.Ordinal))
        {
            if (found > start)
            {
                pieces.Add((text[start..found], false));
            }

            pieces.Add((text.Substring(found, lowerTerm.Length), true));
            start = found + lowerTerm.Length;
        }

        if (start < text.Length)
        {
            pieces.Add((text[start..], false));
        }

        return pieces;
    }
}
