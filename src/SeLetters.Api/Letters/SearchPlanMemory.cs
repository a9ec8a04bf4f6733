using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace SeLetters.Api.Letters;

/// <summary>
/// What recent searches learnt: which way each found its page, so that the same search again (the next client, a
/// refresh, the user's click back) goes that way without an estimate, and the sample the ways are estimated from
/// (<see cref="SampleAsync"/>). A remembered way or an old sample chooses the path only; the page and the total are found
/// exactly whichever way is taken, and a walk that runs out of budget still collects. So what was learnt before writes
/// costs at worst what a wrong estimate costs, and for its lifetime at most; a walk found to run out is remembered as a
/// collect.
/// </summary>
internal sealed class SearchPlanMemory : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a sample is used. Letters written since are missing from it, which can make a way slower, never an answer
    /// wrong. Reading it takes about 30 ms (its five sorts), which the search that reads it waits for: with a lifetime of
    /// 10 s, that search came up in the medians of the 100,000-letter grid (27.8 ms against 4–8 ms).
    /// </summary>
    public static readonly TimeSpan SampleLifetime = TimeSpan.FromSeconds(60);

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
        if (remembered is null || strategy == SearchPlan.WalkThenCollect)
        {
            var way = strategy is SearchPlan.Walk or SearchPlan.WalkToPageThenCount ? strategy : SearchPlan.Collect;
            _plans.Set(key, new SearchPlan(way, walkBudget), OnePlan);
        }
    }

    private volatile ReadSample? _sample;
    private int _reading;

    /// <summary>
    /// The sample, read on <paramref name="connection"/> when there is none of <paramref name="sampleRows"/> yet or when it
    /// is older than <see cref="SampleLifetime"/>; while one search reads it again, the others take the old one.
    /// </summary>
    public async ValueTask<SearchSample> SampleAsync(NpgsqlConnection connection, int sampleRows, CancellationToken cancellationToken)
    {
        var known = _sample is { } sample && sample.Sample.SampleRows == sampleRows ? sample : null;
        if (known is not null && (Environment.TickCount64 - known.ReadAt < SampleLifetime.TotalMilliseconds || Interlocked.Exchange(ref _reading, 1) == 1))
        {
            return known.Sample;
        }

        try
        {
            var read = await SearchSample.ReadAsync(connection, sampleRows, cancellationToken);
            _sample = new ReadSample(read, Environment.TickCount64);
            return read;
        }
        finally
        {
            if (known is not null)
            {
                Volatile.Write(ref _reading, 0);
            }
        }
    }

    public void Dispose() => _plans.Dispose();

    private sealed record ReadSample(SearchSample Sample, long ReadAt);
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
/// with a budget of letters, or <see cref="Collect"/>. <see cref="WalkThenCollect"/> is never sent: it is how a statement
/// reports a walk whose budget ran out before the page was full.
/// </summary>
internal readonly record struct SearchPlan(string Strategy, long WalkBudget)
{
    public const string Walk = "walk";
    public const string WalkToPageThenCount = "walk, count";
    public const string Collect = "collect";
    public const string WalkThenCollect = "walk, collect";
}
