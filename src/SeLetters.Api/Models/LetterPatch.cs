using SeLetters.Api.Validation;

namespace SeLetters.Api.Models;

/// <summary>The fields an engineer may change on a stored letter; absent (null) fields stay as they are.</summary>
public sealed record LetterPatch(
    [Text(FieldLengths.Status)] string? Status,
    [Text(FieldLengths.Text)] string? DocumentTitle,
    [Text(FieldLengths.Name)] string? DocumentType);
