using System.ComponentModel.DataAnnotations;

namespace SeLetters.Api.Validation;

/// <summary>
/// A string PostgreSQL can store and index: at most <c>maximumLength</c> characters (UTF-16 code units), no NUL
/// (<c>\u0000</c>: PostgreSQL text cannot hold it) and no unpaired surrogate (it has no UTF-8 encoding). A
/// <see cref="StringLengthAttribute"/>, so the OpenAPI document shows the length as <c>maxLength</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class TextAttribute(int maximumLength) : StringLengthAttribute(maximumLength)
{
    public override bool RequiresValidationContext => true;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string text && TextRules.Problem(text, MaximumLength) is { } problem
            ? new ValidationResult($"{validationContext.DisplayName} {problem}", MemberNames(validationContext))
            : ValidationResult.Success;

    private static string[]? MemberNames(ValidationContext context) => context.MemberName is { } name ? [name] : null;
}

/// <summary>What every stored or searched string must satisfy; shared by the fields and the strings of JSON documents.</summary>
internal static class TextRules
{
    /// <summary>Why <paramref name="text"/> cannot be stored, completing "field ...", or null.</summary>
    public static string? Problem(string text, int maximumLength)
    {
        if (text.Length > maximumLength)
        {
            return $"must be at most {maximumLength} characters long (it has {text.Length}).";
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return "must not contain the NUL character (\\u0000), which PostgreSQL text cannot hold.";
        }

        return UnpairedSurrogate(text) is { } index
            ? $"must be valid Unicode: it has an unpaired surrogate at character {index}."
            : null;
    }

    private static int? UnpairedSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return null;
    }
}
