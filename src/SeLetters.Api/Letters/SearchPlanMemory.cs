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
internal sealed partial class SearchPlanMemory : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a sample is used before it is read again. Letters written since are missing from it, which can make a way
    /// slower, never an answer wrong.
    /// </summary>
    private static readonly TimeSpan DefaultSampleLifetime = TimeSpan.FromSeconds(60);

    private static readonly MemoryCacheEntryOptions OnePlan = new() { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime };

    // A search's key holds its texts (200 characters at most each): 10,000 of them are a few MB.
    private readonly MemoryCache _plans = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly ILogger<SearchPlanMemory> _logger;
    private readonly TimeSpan _sampleLifetime;
    private readonly CancellationTokenSource _disposing = new();
    private readonly CancellationToken _disposed;
    private volatile ReadSample? _sample;
    private int _refreshing;
    private bool _refreshFailing;

    public SearchPlanMemory(ILogger<SearchPlanMemory> logger)
        : this(logger, DefaultSampleLifetime)
    {
    }

    internal SearchPlanMemory(ILogger<SearchPlanMemory> logger, TimeSpan sampleLifetime)
    {
        _logger = logger;
        _sampleLifetime = sampleLifetime;
        _disposed = _disposing.Token;
    }

    /// <summary>The sample's refresh under way, or the last one, finished.</summary>
    internal Task SampleRefresh { get; private set; } = Task.CompletedTask;

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

    /// <summary>
    /// The sample: read on <paramref name="connection"/> when there is none of <paramref name="sampleRows"/> yet. An older
    /// one than its lifetime is still answered, and read again in the background on a connection of its own. Reading it
    /// takes 30 ms and more (its five sorts; at 1,000,000 letters the pages it samples are seldom cached): the search that
    /// read it waited for it, once a minute, and a search of 10 ms took 40.
    /// </summary>
    public async ValueTask<SearchSample> SampleAsync(NpgsqlConnection connection, int sampleRows, CancellationToken cancellationToken)
    {
        if (_sample is not { } known || known.Sample.SampleRows != sampleRows)
        {
            var read = await SearchSample.ReadAsync(connection, sampleRows, cancellationToken);
            _sample = new ReadSample(read, Environment.TickCount64);
            return read;
        }

        if (Environment.TickCount64 - known.ReadAt >= _sampleLifetime.TotalMilliseconds && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            // The same server, database and credentials as the search's, from the same pool; not the request's trace.
            var own = (NpgsqlConnection)((ICloneable)connection).Clone();
            using (ExecutionContext.SuppressFlow())
            {
                SampleRefresh = Task.Run(() => RefreshAsync(own, sampleRows), CancellationToken.None);
            }
        }

        return known.Sample;
    }

    private async Task RefreshAsync(NpgsqlConnection connection, int sampleRows)
    {
        try
        {
            await using (connection)
            {
                await connection.OpenAsync(_disposed);
                var read = await SearchSample.ReadAsync(connection, sampleRows, _disposed);
                _sample = new ReadSample(read, Environment.TickCount64);
                _refreshFailing = false;
            }
        }
        catch (Exception exception)
        {
            // The next search after the lifetime tries again; until then the searches take the old sample. While the
            // database is down every such search tries, so the failure is told once until a refresh works again. Cut
            // off by the API's shutdown, it has nothing to tell.
            if (!_disposed.IsCancellationRequested && !_refreshFailing)
            {
                LogRefreshFailed(_logger, exception.Message);
                _refreshFailing = true;
            }
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    public void Dispose()
    {
        _disposing.Cancel();
        _disposing.Dispose();
        _plans.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the search sample again failed (searches choose their way from the previous one): {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);

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
