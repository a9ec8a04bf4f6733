namespace SeLetters.Api.Letters;

/// <summary>
/// Which way a search finds its page (<see cref="LetterSearchStatement"/>), chosen from a <see cref="SearchSample"/>.
/// Which way is cheaper depends on where the matches lie in the sort order:
/// <list type="bullet">
/// <item><b>walk</b>: the sort order is walked through its index, each letter tested as it comes, until the page and the
/// count limit are reached. It costs one narrow row per letter passed, matching or not: cheap when matches are many
/// and early, ruinous when the first letters of the order match nothing.</item>
/// <item><b>walk, count</b>: the walk stops at the page's end and the matches are counted apart, in the table's order,
/// up to the count limit: where the matches thin out after the page (pdf with a confidence filter sorted by processing
/// time: 22,411 letters read for 1,001 matches, 100,000 letters).</item>
/// <item><b>collect</b>: every letter the text's index gives (without a text, the filter's) is tested and the matches
/// sorted. It costs one row per letter the index gives, wherever they lie.</item>
/// </list>
/// The match a walk would reach its target with (the page's end, or the count limit) is found among the sample's
/// matches in the requested order, and the sample's letters at or before it tell how many letters the walk would read;
/// the sample's matches in id order (the table's order as an import leaves it) tell how many the count would read, each
/// <see cref="SearchTuning.CountScanSpeedup"/> times cheaper than one walked; the sample's letters that the collect's
/// index would give (the text's matches before the filters thin them out) tell how many a collect would read; a text
/// without a trigram has no index, so its collect reads every letter the filters leave (<see cref="SearchShape.TextScanned"/>), in
/// the table's order, each <see cref="SearchTuning.TextScanSpeedup"/> times cheaper than one walked. The
/// cheaper walk is taken when its letters cost no more than <see cref="WalkRowsPerCollectedRow"/> times the collect's,
/// with a budget of <see cref="SearchTuning.WalkBudgetFactor"/> times its estimate scaled to the table: when that runs
/// out, the statement collects after all (<c>walk, collect</c>), so a wrong estimate costs time, never an answer. A
/// walk's budget counts every letter it reads, but a filter that bounds the sort column (confidence sorted by
/// confidence, dates by date) makes the walk start and stop at its bound, so it costs the walk nothing.
/// </summary>
internal static class SearchEstimate
{
    public static SearchPlan Choose(SearchKey search, int countLimit, SearchSample sample, SearchTuning tuning)
    {
        var shape = search.Shape;
        var letters = sample.Letters;
        var (bounds, filters) = SearchFilter.Of(shape);
        var text = TextCondition(search);
        // Descending, the walk's order is the ascending one reversed: NULLs first, ties by id descending, as the index gives them.
        var sign = shape.Descending ? -1L : 1L;
        var places = new long[letters.Length];
        var withinBounds = new bool[letters.Length];
        var hitPlaces = new List<long>();
        var hitIds = new List<int>();
        var collected = 0;
        for (var i = 0; i < letters.Length; i++)
        {
            var letter = letters[i];
            places[i] = sign * letter.PlaceBy(shape.SortColumn);
            withinBounds[i] = PassesAll(bounds, search, letter);
            var matchesText = text(letter);
            var passesFilters = withinBounds[i] && PassesAll(filters, search, letter);
            var hit = matchesText && passesFilters;
            if (hit)
            {
                hitPlaces.Add(places[i]);
                hitIds.Add(letter.LetterId);
            }

            if (shape.TextIndexed ? matchesText : passesFilters)
            {
                collected++;
            }
        }

        hitPlaces.Sort();
        hitIds.Sort();
        var sampled = letters.Length / sample.TableRows;

        // The letters a walk reads (those within the sort column's bounds) up to the match that ends it, if the sample has it.
        double? WalkedTo(int matches)
        {
            var at = (int)Math.Max(Math.Ceiling(matches * sampled), 1);
            if (at > hitPlaces.Count)
            {
                return null;
            }

            var last = hitPlaces[at - 1];
            var walked = 0;
            for (var i = 0; i < letters.Length; i++)
            {
                if (withinBounds[i] && places[i] <= last)
                {
                    walked++;
                }
            }

            return walked;
        }

        var walkRows = WalkedTo(search.WalkTarget);
        var pageRows = WalkedTo(search.PageEnd);
        // The count apart reads the table's order up to the match that ends it.
        var countAt = (int)Math.Max(Math.Ceiling((countLimit + 1) * sampled) - 1, 0);
        var countRows = countAt < hitIds.Count ? letters.Count(letter => letter.LetterId <= hitIds[countAt]) : letters.Length;
        var countCost = countRows / tuning.CountScanSpeedup;
        var collectCost = WalkRowsPerCollectedRow(shape, filters.Count, tuning) * collected / (shape.TextScanned ? tuning.TextScanSpeedup : 1);
        var (strategy, walked) =
            walkRows is { } toTarget && toTarget <= pageRows + countCost && toTarget <= collectCost ? (SearchPlan.Walk, walkRows)
            : pageRows is { } toPage && toPage + countCost <= collectCost ? (SearchPlan.WalkToPageThenCount, pageRows)
            : (SearchPlan.Collect, walkRows);
        var budget = Math.Max(tuning.WalkBudgetFactor * (walked ?? 0) * sample.TableRows / Math.Max(letters.Length, 1), tuning.WalkBudgetFloor);
        return new SearchPlan(strategy, (long)Math.Round(budget, MidpointRounding.ToEven));
    }

    private static bool PassesAll(List<SearchFilter> filters, in SearchKey search, SampledLetter letter)
    {
        foreach (var filter in filters)
        {
            if (!filter.Test(search, letter))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// How many letters a walk may read for the cost of one letter a collect reads. A walk that tests nothing but what its
    /// sort index holds reads the index alone, while a collect still looks each match up: a product is tested on the
    /// letter's id, and every sort index but the primary key holds the filter columns (migration
    /// <c>LetterSearchSortIndexesCoverFilters</c>). A term is tested on the letter's search row, and so is a filter when
    /// the walk is sorted by id. At 1,000,000 letters, 0.5 us a letter walked against 8 us a product match collected.
    /// </summary>
    private static double WalkRowsPerCollectedRow(SearchShape shape, int filters, SearchTuning tuning) =>
        (shape.Product != TextMatch.None || shape.Term == TextMatch.None) && (filters == 0 || shape.SortColumn != "id")
            ? tuning.WalkRowsPerCollectedRow * tuning.IndexWalkSpeedup
            : tuning.WalkRowsPerCollectedRow;

    /// <summary>The search text and the product, matched as the statement matches them (the term on the product row's copy of the letter's text).</summary>
    private static Func<SampledLetter, bool> TextCondition(SearchKey search) =>
        search.Shape.Product != TextMatch.None
            ? letter => letter.ProductText is { } products && products.Contains(search.Product!, StringComparison.Ordinal)
                && (search.Shape.Term == TextMatch.None || letter.SearchText.Contains(search.Term!, StringComparison.Ordinal))
            : search.Shape.Term != TextMatch.None
                ? letter => letter.SearchText.Contains(search.Term!, StringComparison.Ordinal)
                : _ => true;
}
