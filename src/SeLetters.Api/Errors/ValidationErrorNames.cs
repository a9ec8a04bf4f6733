using System.Text.Json;
using System.Text.RegularExpressions;

namespace SeLetters.Api.Errors;

/// <summary>
/// Microsoft.Extensions.Validation keys its errors by C# paths (<c>Products[0].Matches[0].IbcatalogueProductIdentifier</c>)
/// and its messages name C# members; clients know the fields by their snake_case JSON and query names
/// (<c>products[0].matches[0].ibcatalogue_product_identifier</c>), so every validation problem is given those.
/// </summary>
internal static partial class ValidationErrorNames
{
    public static void UseJsonNames(ProblemDetailsContext context)
    {
        if (context.ProblemDetails is not HttpValidationProblemDetails validation)
        {
            return;
        }

        validation.Errors = validation.Errors.ToDictionary(
            error => CSharpPath().IsMatch(error.Key) ? Member().Replace(error.Key, member => Json(member.Value)) : error.Key,
            error => CSharpPath().IsMatch(error.Key)
                ? [.. error.Value.Select(message => Member().Matches(error.Key)
                    .Aggregate(message, (renamed, member) => Regex.Replace(renamed, $@"\b{member.Value}\b", Json(member.Value))))]
                : error.Value);
    }

    private static string Json(string member) => JsonNamingPolicy.SnakeCaseLower.ConvertName(member);

    [GeneratedRegex(@"^[A-Za-z0-9_.\[\]]+$")]
    private static partial Regex CSharpPath();

    [GeneratedRegex("[A-Za-z][A-Za-z0-9]*")]
    private static partial Regex Member();
}
