namespace SeLetters.Api.Validation;

/// <summary>
/// The longest string each kind of field takes, in characters. A btree index entry holds at most 2,704 bytes, and a
/// character is up to 3 bytes of UTF-8: a longer value in an indexed column failed its insert (a 500 before these
/// bounds). Each bound leaves room for the other columns of its widest index (<c>idx_letters_covering</c> holds
/// <c>document_name</c> and <c>status</c>: 500 + 64 characters, at most 1,692 bytes).
/// </summary>
public static class FieldLengths
{
    /// <summary><c>status</c>: also a bucket of the statistics and part of three indexes.</summary>
    public const int Status = 64;

    /// <summary><c>file_hash</c>: a SHA-256 is 64 hexadecimal digits.</summary>
    public const int FileHash = 128;

    /// <summary>Names, paths, identifiers, labels and codes, indexed or not.</summary>
    public const int Name = 500;

    /// <summary>Free text (titles, descriptions, reasons, details, messages), in no btree index.</summary>
    public const int Text = 100_000;

    /// <summary>A search term (<c>search</c>, <c>product</c>).</summary>
    public const int SearchTerm = 200;
}
