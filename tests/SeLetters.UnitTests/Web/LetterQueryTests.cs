using SeLetters.Web.Letters;

namespace SeLetters.UnitTests.Web;

public sealed class LetterQueryTests
{
    [Fact]
    public void The_url_keeps_every_filter_and_drops_blanks()
    {
        var query = LetterQuery.Parse("?search=relay+%26+co&status=&created_from=2026-01-01&min_confidence=0.5&product=%20&sort_by=status&page=3&limit=50");

        Assert.Equal("/?search=relay%20%26%20co&created_from=2026-01-01&min_confidence=0.5&sort_by=status&page=3&limit=50", query.Url());
        Assert.Equal(query, LetterQuery.Parse(new Uri("http://host" + query.Url()).Query) with { Status = "", Product = " " });
        Assert.True(query.IsFiltered);
        Assert.Equal(3, query.PageNumber);
        Assert.Equal(50, query.PageSize);
    }

    [Fact]
    public void A_date_as_the_upper_bound_means_the_whole_of_that_day_for_the_api_but_stays_a_date_in_the_url()
    {
        var query = LetterQuery.Parse("?created_from=2026-11-01&created_to=2026-11-25");

        Assert.Equal("?created_from=2026-11-01&created_to=2026-11-25T23%3A59%3A59.999999", query.ApiSearchQueryString());
        Assert.Equal("/?created_from=2026-11-01&created_to=2026-11-25", query.Url());
        Assert.Equal("?created_to=2026-11-25T10%3A00", LetterQuery.Parse("?created_to=2026-11-25T10:00").ApiSearchQueryString());
    }

    [Fact]
    public void The_export_has_the_filters_and_sort_but_not_the_paging()
    {
        var query = LetterQuery.Parse("?search=relay&sort_by=document_name&sort_order=asc&page=2&limit=10");

        Assert.Equal("/export?search=relay&sort_by=document_name&sort_order=asc&format=xlsx", query.ExportUrl("xlsx"));
        Assert.Equal("?search=relay&sort_by=document_name&sort_order=asc&format=csv", query.ApiExportQueryString("csv"));
        Assert.Equal("/export?format=ndjson", new LetterQuery().ExportUrl("ndjson"));
    }

    [Fact]
    public void Sorting_by_a_column_turns_its_order_around_and_starts_at_page_one()
    {
        var name = LetterQuery.Column("document_name");
        var created = LetterQuery.Column("created_at");
        var query = LetterQuery.Parse("?search=x&page=4");

        Assert.Equal("/?search=x&sort_by=document_name&sort_order=asc", query.SortedBy(name).Url());
        Assert.Equal("/?search=x&sort_by=document_name&sort_order=desc", query.SortedBy(name).SortedBy(name).Url());
        // Created is the default sort, newest first: its first click turns it around.
        Assert.Equal("/?search=x&sort_by=created_at&sort_order=asc", query.SortedBy(created).Url());
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("abc", 1)]
    [InlineData("-2", 1)]
    [InlineData("0", 1)]
    [InlineData("7", 7)]
    public void An_unreadable_page_number_is_the_first_page_here_and_left_to_the_api_to_refuse(string? page, int expected)
    {
        var query = new LetterQuery { Page = page };

        Assert.Equal(expected, query.PageNumber);
        Assert.Equal(page is null ? "" : $"?page={page}", query.ApiSearchQueryString());
        Assert.Equal("/?search=a", (query with { Search = "a" }).WithPage(1).Url());
    }
}
