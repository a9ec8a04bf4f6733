namespace SeLetters.Api.Models;

/// <summary>The answer to a store: the letter's id (its address is in the Location header).</summary>
public sealed record StoredLetter(int Id);
