using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace SeLetters.Web.Letters;

/// <summary>
/// The letters page's state, all of it in the URL query (a bookmark or a shared link reproduces the page): the
/// search's filters, sort and page, as typed. The API validates the values and says what is wrong with them.
/// </summary>
public sealed record LetterQuery
{
    public static readonly IReadOnlyList<SortColumn> SortColumns =
    [
        new("created_at", "Created", "desc"),
        new("document_name", "Document", "asc"),
        new("status", "Status", "asc"),
        new("extraction_confidence", "Confidence", "desc"),
        new("processing_time_ms", "Processing time", "desc"),
        new("id", "Id", "desc"),
    ];

    public static SortColumn Column(string name) => SortColumns.Single(column => column.Name == name);

    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];
    public const string DefaultSortBy = "created_at";
    public const int DefaultLimit = 25;

    public string? Search { get; init; }
    public string? Status { get; init; }
    public string? CreatedFrom { get; init; }
    public string? CreatedTo { get; init; }
    public string? MinConfidence { get; init; }
    public string? MaxConfidence { get; init; }
    public string? Product { get; init; }
    public string? SortBy { get; init; }
    public string? SortOrder { get; init; }
    public string? Page { get; init; }
    public string? Limit { get; init; }

    public string EffectiveSortBy => Blank(SortBy) ? DefaultSortBy : SortBy!;

    public string EffectiveSortOrder => Blank(SortOrder) ? "desc" : SortOrder!;

    public int PageNumber => int.TryParse(Page, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page > 0 ? page : 1;

    public int PageSize => int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 ? limit : DefaultLimit;

    /// <summary>Whether any filter narrows the search (the sort and paging do not).</summary>
    public bool IsFiltered => UrlParameters().Any(p => p.Key is not ("sort_by" or "sort_order" or "page" or "limit"));

    /// <summary>The parameters as they appear in this page's URL, blanks left out.</summary>
    public IEnumerable<KeyValuePair<string, string?>> UrlParameters()
    {
        (string Name, string? Value)[] all =
        [
            ("search", Search), ("status", Status), ("created_from", CreatedFrom), ("created_to", CreatedTo),
            ("min_confidence", MinConfidence), ("max_confidence", MaxConfidence), ("product", Product),
            ("sort_by", SortBy), ("sort_order", SortOrder), ("page", Page), ("limit", Limit),
        ];
        return all.Where(p => !Blank(p.Value)).Select(p => KeyValuePair.Create(p.Name, (string?)p.Value!.Trim()));
    }

    /// <summary>The query string of the API's search for this page.</summary>
    public string ApiSearchQueryString() => ToApi(UrlParameters());

    /// <summary>The query string of the API's export of this search: every page, in <paramref name="format"/>.</summary>
    public string ApiExportQueryString(string format) => ToApi(Unpaged().Append(KeyValuePair.Create("format", (string?)format)));

    /// <summary>The letters page with this state: the links that keep the search (pager, sort headers).</summary>
    public string Url() => "/" + QueryString.Create(UrlParameters()).ToUriComponent();

    /// <summary>The download of this search (every page) in <paramref name="format"/>.</summary>
    public string ExportUrl(string format) => "/export" + QueryString.Create(Unpaged().Append(KeyValuePair.Create("format", (string?)format))).ToUriComponent();

    private IEnumerable<KeyValuePair<string, string?>> Unpaged() => UrlParameters().Where(p => p.Key is not ("page" or "limit"));

    /// <summary>A date without a time as <c>created_to</c> means the whole of that day, as a person picking it in a date field means it.</summary>
    private static string ToApi(IEnumerable<KeyValuePair<string, string?>> parameters) => QueryString.Create(parameters
        .Select(p => p.Key == "created_to" && DateOnly.TryParseExact(p.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? KeyValuePair.Create(p.Key, (string?)(p.Value + "T23:59:59.999999"))
            : p)).ToUriComponent();

    public LetterQuery WithPage(int page) => this with { Page = page == 1 ? null : page.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Sorted by <paramref name="column"/>: the other direction when it already is, its natural one otherwise; back to page 1.</summary>
    public LetterQuery SortedBy(SortColumn column) => this with
    {
        SortBy = column.Name,
        SortOrder = EffectiveSortBy == column.Name ? (EffectiveSortOrder == "asc" ? "desc" : "asc") : column.FirstOrder,
        Page = null,
    };

    /// <summary>Reads the state from a URL's query string (<c>?search=...&amp;page=2</c>).</summary>
    public static LetterQuery Parse(string? queryString)
    {
        var query = QueryHelpers.ParseQuery(queryString);
        string? Get(string name) => query.TryGetValue(name, out var values) ? values.LastOrDefault() : null;
        return new LetterQuery
        {
            Search = Get("search"), Status = Get("status"), CreatedFrom = Get("created_from"), CreatedTo = Get("created_to"),
            MinConfidence = Get("min_confidence"), MaxConfidence = Get("max_confidence"), Product = Get("product"),
            SortBy = Get("sort_by"), SortOrder = Get("sort_order"), Page = Get("page"), Limit = Get("limit"),
        };
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}

/// <summary>A column the search sorts on (the API's <c>sort_by</c>), and the direction a first click sorts it in.</summary>
public sealed record SortColumn(string Name, string Label, string FirstOrder);
