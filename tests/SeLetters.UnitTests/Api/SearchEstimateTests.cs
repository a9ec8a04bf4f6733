using SeLetters.Api.Letters;

namespace SeLetters.UnitTests.Api;

/// <summary>
/// <see cref="SearchEstimate"/>'s choice on samples laid out to call for each way. A thousand letters, all sampled, each
/// created an hour after the one before; the page ends at the 10th match and the count limit is 50.
/// </summary>
public sealed class SearchEstimateTests
{
    private const int Letters = 1000;
    private const int PageEnd = 10;
    private const int CountLimit = 50;
    private static readonly DateTime First = new(2024, 1, 1);

    // Without the budget's floor, the budget is the estimate's four times.
    private static readonly SearchTuning Tuning = new(WalkBudgetFloor: 0);

    [Fact]
    public void A_filter_whose_matches_come_last_in_the_order_is_collected_and_first_walked()
    {
        var sample = Sample(id => id > 900 ? "failed" : "processed");
        // Oldest first, 951 letters come before the count limit's match and 910 before the page's: read from the sort
        // index (a quarter of a collected letter's cost each), they still cost more than the 100 matches collected.
        Assert.Equal(SearchPlan.Collect, SearchEstimate.Choose(Search("created_at", descending: false, status: "failed"), CountLimit, sample, Tuning).Strategy);
        // Newest first, the count limit's 51 matches are the first 51 letters.
        Assert.Equal(new SearchPlan(SearchPlan.Walk, 4 * 51), SearchEstimate.Choose(Search("created_at", descending: true, status: "failed"), CountLimit, sample, Tuning));
    }

    [Fact]
    public void A_filter_beside_the_sort_is_walked_in_the_sort_index_but_not_in_the_primary_key()
    {
        var sample = Sample(id => id > 700 ? "failed" : "processed");
        // The 751 letters before the count limit's match are read from the sort index, which holds the status: they cost
        // less than the 300 matches collected. Sorted by id, the walk reads each letter's row to test its status.
        Assert.Equal(new SearchPlan(SearchPlan.Walk, 4 * 751), SearchEstimate.Choose(Search("created_at", descending: false, status: "failed"), CountLimit, sample, Tuning));
        Assert.Equal(SearchPlan.Collect, SearchEstimate.Choose(Search("id", descending: false, status: "failed"), CountLimit, sample, Tuning).Strategy);
    }

    [Fact]
    public void A_bound_on_the_sort_column_is_where_the_walk_starts()
    {
        var sample = Sample(_ => "processed");
        // Sorted by date, created from the 901st letter on: the walk starts there, and reads only the letters it keeps.
        var createdFrom = First.AddHours(901);
        Assert.Equal(new SearchPlan(SearchPlan.Walk, 4 * 51), SearchEstimate.Choose(Search("created_at", descending: false, createdFrom: createdFrom), CountLimit, sample, Tuning));
        // Sorted by id, the same letters come last: collected.
        Assert.Equal(SearchPlan.Collect, SearchEstimate.Choose(Search("id", descending: false, createdFrom: createdFrom), CountLimit, sample, Tuning).Strategy);
    }

    [Fact]
    public void A_term_in_every_letter_walks_to_its_page_and_counts_apart()
    {
        // The page's 10 letters walked and the 51 counted (at a quarter of a walked letter's cost) against 51 walked.
        var search = Search("document_name", descending: true, term: "alpha");
        Assert.Equal(new SearchPlan(SearchPlan.WalkToPageThenCount, 4 * PageEnd), SearchEstimate.Choose(search, CountLimit, Sample(_ => null), Tuning));
    }

    [Fact]
    public void A_term_without_a_trigram_is_collected_from_every_letter_so_a_walk_past_the_newest_is_cheaper()
    {
        // Every 10th of the oldest 800 letters says "crème" (80 matches), none of the 200 newest. Newest first, the walk
        // reads 291 letters to the page's 10th match, and the count apart the 510 oldest (at a quarter of the cost each).
        var sample = Sample(_ => "processed", text: id => id % 10 == 0 && id <= 800 ? "crème" : "");
        // Through the trigram index a collect reads the 80 matches alone.
        Assert.Equal(SearchPlan.Collect, SearchEstimate.Choose(Search("created_at", descending: true, term: "crè"), CountLimit, sample, Tuning).Strategy);
        // Without a trigram, it reads all 1,000 letters, in the table's order: 625 walked letters' worth.
        Assert.Equal(
            new SearchPlan(SearchPlan.WalkToPageThenCount, 4 * 291),
            SearchEstimate.Choose(Search("created_at", descending: true, term: "è", match: TextMatch.Shorter), CountLimit, sample, Tuning));
        // Oldest first, when only the 400 newest say it, the walk reads 651 letters to the count limit's match: more.
        var newest = Sample(_ => "processed", text: id => id > 600 ? "crème" : "");
        Assert.Equal(SearchPlan.Collect, SearchEstimate.Choose(Search("created_at", descending: false, term: "è", match: TextMatch.Shorter), CountLimit, newest, Tuning).Strategy);
    }

    [Fact]
    public void A_confidence_of_NaN_is_above_every_minimum_as_PostgreSQL_orders_reals()
    {
        // The newest 100 letters have NaN, the others 0.1. At least 0.5: the NaN letters match, and newest first they come
        // first (walked); at most 0.05: no letter matches (collected). .NET's order puts NaN below every number instead.
        var sample = Sample(_ => "processed", id => id > 900 ? float.NaN : 0.1f);
        Assert.Equal(SearchPlan.Walk, SearchEstimate.Choose(Search("id", descending: true, minConfidence: 0.5f), CountLimit, sample, Tuning).Strategy);
        Assert.Equal(new SearchPlan(SearchPlan.Collect, 0), SearchEstimate.Choose(Search("id", descending: true, maxConfidence: 0.05f), CountLimit, sample, Tuning));
    }

    [Fact]
    public void An_empty_sample_collects_with_the_budgets_floor()
    {
        var plan = SearchEstimate.Choose(Search("created_at", descending: true, status: "failed"), CountLimit, new SearchSample(2000, 1, []), SearchTuning.Default);
        Assert.Equal(new SearchPlan(SearchPlan.Collect, SearchTuning.Default.WalkBudgetFloor), plan);
    }

    /// <summary>Letter i (1 to 1,000) is created at hour i and named in the same order; every place follows the id.</summary>
    private static SearchSample Sample(Func<int, string?> status, Func<int, float>? confidence = null, Func<int, string>? text = null) => new(2000, Letters,
        [.. Enumerable.Range(1, Letters).Select(id => new SampledLetter(
            id, $"alpha_{id:D4}.pdf{text?.Invoke(id)}", null, status(id), First.AddHours(id), confidence?.Invoke(id) ?? 0.5f, new SortPlaces(id, id, id, id, id)))]);

    private static SearchKey Search(
        string sortColumn, bool descending, string? status = null, DateTime? createdFrom = null, float? minConfidence = null, float? maxConfidence = null,
        string term = "", TextMatch match = TextMatch.Trigrams) => new(
        new SearchShape(sortColumn, descending, term == "" ? TextMatch.None : match, TextMatch.None,
            status is not null, createdFrom is not null, false, minConfidence is not null, maxConfidence is not null),
        term, "", status, createdFrom, null, minConfidence, maxConfidence, PageEnd, CountLimit + 1);
}
