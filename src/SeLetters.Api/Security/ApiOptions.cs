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

    /// <summary>How often the statistics' change rows are folded into their totals (see LetterStatisticsFolder).</summary>
    public TimeSpan StatisticsFoldInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A search counts its matches up to this many; beyond, <c>total</c> is this number and <c>total_capped</c> is true.
    /// Counting every match of a broad term would cost a scan of the whole table on every page.
    /// </summary>
    public int SearchCountLimit { get; set; } = 1000;

    /// <summary>
    /// How many requests run at once (the health probes aside); as many as the database pool's default 100 connections,
    /// since a request beyond them would only wait for one.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 100;

    /// <summary>How many more requests wait for one of those to end; beyond them a request is answered 503 at once.</summary>
    public int MaxQueuedRequests { get; set; } = 100;
}
