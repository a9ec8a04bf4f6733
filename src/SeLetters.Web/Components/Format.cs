using System.Globalization;

namespace SeLetters.Web.Components;

/// <summary>How the pages write numbers, durations and times (invariant culture: the server's locale is not the reader's).</summary>
internal static class Format
{
    public const string None = "—";

    public static string Confidence(double? value) =>
        value is { } v && double.IsFinite(v) ? (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : None;

    public static string Duration(double? milliseconds)
    {
        if (milliseconds is not { } ms || !double.IsFinite(ms))
        {
            return None;
        }

        return ms < 1000
            ? ms.ToString("0.#", CultureInfo.InvariantCulture) + " ms"
            : (ms / 1000).ToString("0.##", CultureInfo.InvariantCulture) + " s";
    }

    public static string Time(DateTime? value) => value?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? None;

    public static string Date(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? None;

    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Text(string? value) => string.IsNullOrEmpty(value) ? None : value;
}
