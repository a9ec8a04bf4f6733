namespace SeLetters.Api.Security;

/// <summary>Configuration section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";
    public const string KeyHeader = "X-Api-Key";

    /// <summary>The key writes must send in <see cref="KeyHeader"/>. Without one, every write is refused.</summary>
    public string? Key { get; set; }

    /// <summary>The largest request body a write accepts; larger ones are answered with 413.</summary>
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;
}
