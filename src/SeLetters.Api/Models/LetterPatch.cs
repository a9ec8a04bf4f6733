namespace SeLetters.Api.Models;

/// <summary>The fields an engineer may change on a stored letter; absent (null) fields stay as they are.</summary>
public sealed record LetterPatch(string? Status, string? DocumentTitle, string? DocumentType);
