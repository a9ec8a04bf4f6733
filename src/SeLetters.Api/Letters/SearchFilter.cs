namespace SeLetters.Api.Letters;

/// <summary>
/// A filter on a letter's own columns: the column it tests, its test in SQL on a search row (<c>s</c>), and the same test
/// on a sampled letter. A filter on the sort column bounds the walk (confidence sorted by confidence, dates by date): the
/// walk's index starts and stops at it, so it costs the walk nothing. The others are tested on each letter the walk reads,
/// and the walk's budget counts the letters read, matching or not.
/// </summary>
internal sealed record SearchFilter(string Column, string Sql, Func<SearchKey, SampledLetter, bool> Test)
{
    private static readonly (Func<SearchShape, bool> Given, SearchFilter Filter)[] Filters =
    [
        (shape => shape.Status, new("status", "s.status = @status", (search, letter) => letter.Status == search.Status)),
        // created_at is a timestamp without time zone in UTC; the bounds are converted to it (TimestampBound).
        (shape => shape.CreatedFrom, new("created_at", "s.created_at >= @created_from", (search, letter) => letter.CreatedAt >= search.CreatedFrom)),
        (shape => shape.CreatedTo, new("created_at", "s.created_at <= @created_to", (search, letter) => letter.CreatedAt <= search.CreatedTo)),
        (shape => shape.MinConfidence, new("extraction_confidence", "s.extraction_confidence >= @min_confidence",
            (search, letter) => letter.Confidence is { } confidence && Compare(confidence, search.MinConfidence!.Value) >= 0)),
        (shape => shape.MaxConfidence, new("extraction_confidence", "s.extraction_confidence <= @max_confidence",
            (search, letter) => letter.Confidence is { } confidence && Compare(confidence, search.MaxConfidence!.Value) <= 0)),
    ];

    /// <summary>The filters a search of <paramref name="shape"/> gives: those that bound its sort column, and the others.</summary>
    public static (List<SearchFilter> Bounds, List<SearchFilter> Others) Of(SearchShape shape)
    {
        var given = Filters.Where(filter => filter.Given(shape)).Select(filter => filter.Filter).ToList();
        return (given.FindAll(filter => filter.Column == shape.SortColumn), given.FindAll(filter => filter.Column != shape.SortColumn));
    }

    /// <summary>PostgreSQL's order of reals: NaN after every number.</summary>
    private static int Compare(float one, float other) =>
        float.IsNaN(one) ? (float.IsNaN(other) ? 0 : 1) : float.IsNaN(other) ? -1 : one.CompareTo(other);
}
