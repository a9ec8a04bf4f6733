namespace SeLetters.Api.Models;

/// <summary>One page of a search, in the web app's shape.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Data, int Total, int Page, int Limit)
{
    public int TotalPages => (Total + Limit - 1) / Limit;
}
