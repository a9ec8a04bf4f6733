using System.Globalization;
using Microsoft.Net.Http.Headers;
using SeLetters.Api.Models;

namespace SeLetters.Api.Letters;

/// <summary>A stored letter with its version (<see cref="LetterVersion"/>).</summary>
internal sealed record VersionedLetter(LetterDocument Letter, uint Version);

/// <summary>What a conditional write of a letter did and, written, the letter as written.</summary>
internal sealed record WrittenLetter(WriteOutcome Outcome, VersionedLetter? Letter);

/// <summary>What a conditional write of a letter did.</summary>
internal enum WriteOutcome
{
    Written,
    NotFound,
    PreconditionFailed,
}

/// <summary>
/// A letter's version is the <c>xmin</c> of its row: the id of the transaction that last wrote it. Every write of a
/// letter (PATCH, PUT) updates its row, so a change of the letter, its products, matches or debug steps gives it a new
/// version; the ETag is that number, quoted. Strong: If-Match compares it exactly.
/// </summary>
internal static class LetterVersion
{
    public static string ETag(uint version) => $"\"{version}\"";

    /// <summary>
    /// The versions If-Match accepts: null when any will do (no header, or <c>*</c>); an empty list when none can match
    /// (only weak or foreign tags). False when the header is not a list of entity tags.
    /// </summary>
    public static bool TryParseIfMatch(string? header, out string[]? versions)
    {
        versions = null;
        if (header is null)
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseStrictList([header], out var tags))
        {
            return false;
        }

        if (tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any)))
        {
            return true;
        }

        versions = [.. tags
            .Where(tag => !tag.IsWeak)
            .Select(tag => uint.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? version.ToString(CultureInfo.InvariantCulture)
                : null)
            .OfType<string>()];
        return true;
    }
}
