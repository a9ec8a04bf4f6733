using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace SeLetters.Api.Validation;

/// <summary>
/// A JSON document PostgreSQL's jsonb can hold and the API can give back: nested at most <see cref="MaximumDepth"/>
/// arrays and objects deep, its strings and property names without NUL or unpaired surrogates (jsonb refuses both),
/// its numbers finite doubles (jsonb's numeric has no infinity, and no client could read 1e400 back).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class JsonDocumentAttribute : ValidationAttribute
{
    public const int MaximumDepth = 64;

    public override bool RequiresValidationContext => true;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is JsonElement document && Problem(document) is { } problem
            ? new ValidationResult($"{validationContext.DisplayName} {problem}", validationContext.MemberName is { } name ? [name] : null)
            : ValidationResult.Success;

    /// <summary>Walks the document with a stack of its own: a document nested thousands deep must not overflow the call stack.</summary>
    private static string? Problem(JsonElement document)
    {
        var pending = new Stack<(JsonElement Element, string Path, int Depth)>();
        pending.Push((document, "$", 0));
        while (pending.TryPop(out var item))
        {
            var (element, path, depth) = item;
            switch (element.ValueKind)
            {
                case JsonValueKind.Object or JsonValueKind.Array when depth == MaximumDepth:
                    return $"must not nest arrays and objects more than {MaximumDepth} deep ({path} is deeper).";
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (StringProblem(() => property.Name) is { } nameProblem)
                        {
                            return $"has a property name in {path} that {nameProblem}";
                        }

                        pending.Push((property.Value, $"{path}.{property.Name}", depth + 1));
                    }

                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var child in element.EnumerateArray())
                    {
                        pending.Push((child, $"{path}[{index++}]", depth + 1));
                    }

                    break;
                case JsonValueKind.String when StringProblem(element.GetString) is { } stringProblem:
                    return $"has a string at {path} that {stringProblem}";
                case JsonValueKind.Number when !element.TryGetDouble(out var number) || !double.IsFinite(number):
                    return $"has a number at {path} that is not a finite double ({element.GetRawText()}).";
            }
        }

        return null;
    }

    private static string? StringProblem(Func<string?> read)
    {
        string? text;
        try
        {
            text = read();
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to unescape a lone surrogate (\ud800) into a string.
            return "is not valid Unicode (an unpaired surrogate).";
        }

        return text is null ? null : TextRules.Problem(text, int.MaxValue);
    }
}
