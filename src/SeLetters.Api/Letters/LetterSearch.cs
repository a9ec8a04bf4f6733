using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SeLetters.Api.Extensions;
using SeLetters.Api.Models;
using SeLetters.Api.Security;
using SeLetters.Data;

namespace SeLetters.Api.Letters;

/// <summary>
/// <c>GET /api/letters</c>: one statement per search (<see cref="LetterSearchStatement"/>), sent on Npgsql directly and
/// read straight into the page. Through EF Core, the query pipeline (expression trees, parameter extraction, entity
/// materialisation) took more of the API's CPU than the two statements it sent.
/// </summary>
internal sealed class LetterSearch(LettersDbContext db, IOptions<ApiOptions> options, SearchPlanMemory plans)
{
    /// <summary>The page's letter columns follow the total, the strategy and the walk's budget.</summary>
    private const int LetterColumns = 3;

    public Task<SearchOutcome> SearchAsync(LetterSearchQuery query, CancellationToken cancellationToken) =>
        db.Database.ReadRetriedAsync((connection, retryCancellation) =>
            RunAsync(connection, query, options.Value.SearchCountLimit, SearchTuning.Default, plans, retryCancellation), cancellationToken);

    /// <summary>
    /// The page of a valid query, and which way the statement found it: the way chosen from a sample
    /// (<see cref="SearchEstimate"/>), read for this search alone without <paramref name="plans"/>; with them, the sample
    /// of the last minute, and a search made recently goes the way it went then (<see cref="SearchPlanMemory"/>).
    /// </summary>
    public static async Task<SearchOutcome> RunAsync(
        NpgsqlConnection connection, LetterSearchQuery query, int countLimit, SearchTuning tuning, SearchPlanMemory? plans,
        CancellationToken cancellationToken)
    {
        var page = query.Page ?? 1;
        var limit = query.Limit ?? LetterSearchQuery.DefaultLimit;
        var pageEnd = (page - 1) * limit + limit;
        // The walk goes on past the page to the count limit: then it has counted too.
        var walkTarget = Math.Max(pageEnd, countLimit + 1);
        var term = Text(query.Search);
        var product = Text(query.Product);
        // created_at is a timestamp without time zone in UTC; the bounds are converted to it (TimestampBound).
        DateTime? createdFrom = query.CreatedFrom is { First: var from } ? DateTime.SpecifyKind(from, DateTimeKind.Unspecified) : null;
        DateTime? createdTo = query.CreatedTo is { Last: var to } ? DateTime.SpecifyKind(to, DateTimeKind.Unspecified) : null;
        var shape = new SearchShape(
            SortColumn(query), query.SortOrder != "asc", term.Match, product.Match,
            query.Status is not null, createdFrom is not null, createdTo is not null,
            query.MinConfidence is not null, query.MaxConfidence is not null);
        var search = new SearchKey(shape, term.Lower, product.Lower, query.Status, createdFrom, createdTo, query.MinConfidence, query.MaxConfidence, pageEnd, walkTarget);
        // A search without any condition has nothing to choose, so nothing to remember.
        SearchPlan? remembered = null, way = null;
        if (!shape.Unconditional)
        {
            remembered = plans?.Recall(search);
            way = remembered ?? SearchEstimate.Choose(search, countLimit, plans is null
                ? await SearchSample.ReadAsync(connection, tuning.SampleRows, cancellationToken)
                : await plans.SampleAsync(connection, tuning.SampleRows, cancellationToken), tuning);
        }

        await using var batch = new NpgsqlBatch(connection);
        if (shape.PlannedGenerically)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LetterSearchStatement.GenericPlan));
        }

        var statement = new NpgsqlBatchCommand(LetterSearchStatement.For(shape));
        batch.BatchCommands.Add(statement);
        var parameters = statement.Parameters;
        parameters.Add(new NpgsqlParameter<int>("count_limit", countLimit));
        parameters.Add(new NpgsqlParameter<int>("limit", limit));
        parameters.Add(new NpgsqlParameter<int>("offset", pageEnd - limit));
        parameters.Add(new NpgsqlParameter<int>("page_end", pageEnd));
        parameters.Add(new NpgsqlParameter<int>("walk_target", walkTarget));
        if (way is { } plan)
        {
            parameters.Add(new NpgsqlParameter<string>("strategy", plan.Strategy));
            parameters.Add(new NpgsqlParameter<long>("walk_budget", plan.WalkBudget));
        }

        term.AddTo(parameters, "term");
        product.AddTo(parameters, "product");
        if (query.Status is { } status)
        {
            parameters.Add(new NpgsqlParameter<string>("status", status));
        }

        if (createdFrom is { } fromValue)
        {
            parameters.Add(new NpgsqlParameter<DateTime>("created_from", fromValue) { NpgsqlDbType = NpgsqlDbType.Timestamp });
        }

        if (createdTo is { } toValue)
        {
            parameters.Add(new NpgsqlParameter<DateTime>("created_to", toValue) { NpgsqlDbType = NpgsqlDbType.Timestamp });
        }

        if (query.MinConfidence is { } min)
        {
            parameters.Add(new NpgsqlParameter<float>("min_confidence", min));
        }

        if (query.MaxConfidence is { } max)
        {
            parameters.Add(new NpgsqlParameter<float>("max_confidence", max));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (shape.PlannedGenerically)
        {
            await reader.NextResultAsync(cancellationToken);
        }

        var summaries = new List<LetterSummary>(limit);
        var total = 0;
        var strategy = "";
        var walkBudget = 0L;
        while (await reader.ReadAsync(cancellationToken))
        {
            total = reader.GetInt32(0);
            strategy = reader.GetString(1);
            walkBudget = reader.GetInt64(2);
            if (!reader.IsDBNull(LetterColumns))
            {
                summaries.Add(ReadSummary(reader));
            }
        }

        if (way is not null)
        {
            plans?.Learn(search, remembered, strategy, walkBudget);
        }

        return new SearchOutcome(
            new PagedResult<LetterSummary>(summaries, Math.Min(total, countLimit), page, limit, total > countLimit), strategy, remembered is not null);
    }

    /// <summary>
    /// Every match of a status filter has that status, so sorted by status they are in id order: sorted by id, the walk
    /// reads them straight from the primary key. Sorted by the constant status, the planner took the status out of the
    /// walk's index order but not out of the sort over it, and sorted the walk's whole budget instead of stopping at its
    /// target (pdf, status=processed, 100,000 letters: 84,005 rows read for a page of 25).
    /// </summary>
    private static string SortColumn(LetterSearchQuery query) =>
        query.SortBy is "status" && query.Status is not null ? "id" : query.SortBy ?? "created_at";

    private static LetterSummary ReadSummary(NpgsqlDataReader reader) => new(
        reader.GetInt32(LetterColumns),
        reader.GetString(LetterColumns + 1),
        OptionalString(reader, LetterColumns + 2),
        OptionalString(reader, LetterColumns + 3),
        reader.GetString(LetterColumns + 4),
        OptionalString(reader, LetterColumns + 5),
        reader.IsDBNull(LetterColumns + 6) ? null : reader.GetFloat(LetterColumns + 6),
        reader.IsDBNull(LetterColumns + 7) ? null : reader.GetFloat(LetterColumns + 7),
        reader.IsDBNull(LetterColumns + 8) ? null : reader.GetDateTime(LetterColumns + 8),
        reader.IsDBNull(LetterColumns + 9) ? null : reader.GetDateTime(LetterColumns + 9),
        OptionalString(reader, LetterColumns + 10));

    private static string? OptionalString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A search text, lower-cased as the stored search text is; matched through trigrams when it holds one.</summary>
    private static SearchText Text(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new SearchText(TextMatch.None, "");
        }

        var lower = text.ToLowerInvariant();
        return new SearchText(HasTrigram(lower) ? TextMatch.Trigrams : TextMatch.Shorter, lower);
    }

    /// <summary>
    /// pg_trgm takes trigrams from the words of a pattern, runs of letters and digits: a text without three of them in a
    /// row ("ab", "a-b", "/") gives the trigram index nothing to look up, and a scan of the whole index would follow.
    /// </summary>
    private static bool HasTrigram(string text)
    {
        var run = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            run = Rune.IsLetterOrDigit(rune) ? run + 1 : 0;
            if (run == 3)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct SearchText(TextMatch Match, string Lower)
    {
        public void AddTo(NpgsqlParameterCollection parameters, string name)
        {
            if (Match != TextMatch.None)
            {
                parameters.Add(new NpgsqlParameter<string>(name, LikePattern.Contains(Lower)));
            }
        }
    }
}

/// <summary>
/// A search's page, the strategy its statement took (<c>walk</c>, <c>collect</c>, <c>walk, collect</c>, <c>walk, count</c>)
/// and whether that way was remembered from an earlier search rather than chosen from the sample.
/// </summary>
internal sealed record SearchOutcome(PagedResult<LetterSummary> Page, string Strategy, bool Remembered)
{
    /// <summary>The way as a client is told it: <c>collect</c>, or <c>collect (remembered)</c>.</summary>
    public string Way => Remembered ? $"{Strategy} (remembered)" : Strategy;
}
