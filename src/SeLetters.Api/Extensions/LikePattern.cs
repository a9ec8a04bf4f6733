namespace SeLetters.Api.Extensions;

internal static class LikePattern
{
    public const string Escape = "\\";

    /// <summary>An ILIKE pattern matching <paramref name="text"/> anywhere, its own <c>%</c>, <c>_</c> and <c>\</c> taken literally.</summary>
    public static string Contains(string text) =>
        "%" + text.Replace(Escape, Escape + Escape, StringComparison.Ordinal)
            .Replace("%", Escape + "%", StringComparison.Ordinal)
            .Replace("_", Escape + "_", StringComparison.Ordinal) + "%";
}
