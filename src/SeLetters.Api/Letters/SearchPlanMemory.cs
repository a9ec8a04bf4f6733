using Microsoft.Extensions.Caching.Memory;

namespace SeLetters.Api.Letters;

/// <summary>
/// Which way each recent search found its page, so that the same search again (the next client, a refresh, the user's
/// click back) goes that way without the sample: on a search of a dense term the sample was 5–8 ms of 50–60 (100,000
/// letters). A remembered way chooses the path only; the page and the total are found exactly whichever way is taken,
/// and a walk that runs out of budget still collects. So a way remembered before writes costs at worst what a wrong
/// estimate costs, and for <see cref="Lifetime"/> at most; a walk found to run out is remembered as a collect.
/// </summary>
internal sealed class SearchPlanMemory : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private static readonly MemoryCacheEntryOptions OnePlan = new() { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime };

    // A search's key holds its texts (200 characters at most each): 10,000 of them are a few MB.
    private readonly MemoryCache _plans = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public SearchPlan? Recall(SearchKey key) => _plans.TryGetValue(key, out SearchPlan plan) ? plan : null;

    /// <summary>
    /// What a search that went <paramref name="strategy"/> teaches. A way chosen from the sample is remembered for its
    /// lifetime, not extended by being taken again; a remembered walk that ran out of budget is remembered as a collect
    /// from then on, as is a sampled one. A walk that filled its page and then counted apart (chosen so, or out of
    /// budget before the count limit) walks only to its page next time.
    /// </summary>
    public void Learn(SearchKey key, SearchPlan? remembered, string strategy, long walkBudget)
    {
        if (remembered is null || strategy == "walk, collect")
        {
            var way = strategy is SearchPlan.Walk or SearchPlan.WalkToPageThenCount ? strategy : SearchPlan.Collect;
            _plans.Set(key, new SearchPlan(way, walkBudget), OnePlan);
        }
    }

    public void Dispose() => _plans.Dispose();
}

/// <summary>
/// What makes two searches the same search: the statement's shape and every value it is run with (the page's end and
/// the walk's target: a walk to the page is budgeted for its page).
/// </summary>
internal readonly record struct SearchKey(
    SearchShape Shape, string? Term, string? Product, string? Status, DateTime? CreatedFrom, DateTime? CreatedTo,
    float? MinConfidence, float? MaxConfidence, int PageEnd, int WalkTarget);

/// <summary>
/// The way a search is sent: <see cref="Walk"/> to the page and the count limit, <see cref="WalkToPageThenCount"/>, each
/// with a budget of letters, or <see cref="Collect"/>.
/// </summary>
internal readonly record struct SearchPlan(string Strategy, long WalkBudget)
{
    public const string Walk = "walk";
    public const string WalkToPageThenCount = "walk, count";
    public const string Collect = "collect";
}
