namespace SeLetters.Api.Models;

/// <summary>
/// One page of a search, in the web app's shape. <see cref="TotalCapped"/>: there are more matches than
/// <see cref="Total"/>, where the search stopped counting.
/// </summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Data, int Total, int Page, int Limit, bool TotalCapped = false)
{
    public int TotalPages => (Total + Limit - 1) / Limit;
}
