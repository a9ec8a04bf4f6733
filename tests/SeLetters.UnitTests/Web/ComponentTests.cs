using Bunit;
using SeLetters.Web.Components.Shared;
using SeLetters.Web.Letters;

namespace SeLetters.UnitTests.Web;

/// <summary>The shared components, rendered without a server.</summary>
public sealed class ComponentTests : IDisposable
{
    private readonly BunitContext _context = new();

    [Fact]
    public void Highlight_marks_the_term_and_encodes_the_text()
    {
        var rendered = _context.Render<Highlight>(p => p.Add(c => c.Text, "<b>Relay</b> RELAY").Add(c => c.Term, "relay"));

        rendered.MarkupMatches("&lt;b&gt;<mark>Relay</mark>&lt;/b&gt; <mark>RELAY</mark>");
    }

    [Fact]
    public void A_sort_header_says_how_the_column_is_sorted_and_links_to_the_other_order()
    {
        var query = LetterQuery.Parse("?sort_by=document_name&sort_order=asc&page=3");

        var sorted = _context.Render<SortHeader>(p => p.Add(c => c.Column, LetterQuery.Column("document_name")).Add(c => c.Query, query));
        var other = _context.Render<SortHeader>(p => p.Add(c => c.Column, LetterQuery.Column("status")).Add(c => c.Query, query));

        Assert.Equal("ascending", sorted.Find("th").GetAttribute("aria-sort"));
        Assert.Equal("/?sort_by=document_name&sort_order=desc", sorted.Find("a").GetAttribute("href"));
        Assert.Equal("none", other.Find("th").GetAttribute("aria-sort"));
        Assert.Equal("/?sort_by=status&sort_order=asc", other.Find("a").GetAttribute("href"));
    }

    [Fact]
    public void The_pager_links_the_pages_around_this_one()
    {
        var rendered = RenderPager("?search=x&page=2", total: 60, capped: false, shown: 25);

        Assert.Equal(["/?search=x", "/?search=x", "/?search=x&page=3", "/?search=x&page=3"],
            rendered.FindAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal("prev", rendered.FindAll("a")[1].GetAttribute("rel"));
        Assert.Contains("Page 2 of 3", rendered.Find("[aria-current=page]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Past_a_capped_count_the_pager_offers_the_next_page_of_a_full_page_and_no_last_page()
    {
        var full = RenderPager("?page=40", total: 1000, capped: true, shown: 25);
        var partial = RenderPager("?page=41", total: 1000, capped: true, shown: 3);

        Assert.Contains(full.FindAll("a"), a => a.GetAttribute("href") == "/?page=41");
        Assert.DoesNotContain(full.FindAll("a"), a => a.TextContent.Contains("Last", StringComparison.Ordinal));
        Assert.Contains("Page 40 of 40+", full.Find("[aria-current=page]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(partial.FindAll("a"), a => a.TextContent.Contains("Next", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bar_chart_draws_a_bar_per_value_and_lists_the_numbers_in_a_table()
    {
        ChartBar[] bars = [new("processed", 1200), new("failed", 0), new("pending", 300, "note")];

        var rendered = _context.Render<BarChart>(p => p.Add(c => c.Title, "By status").Add(c => c.Bars, bars).Add(c => c.LabelHeading, "Status"));

        Assert.Equal("true", rendered.Find("svg").GetAttribute("aria-hidden"));
        var widths = rendered.FindAll("rect").Select(rect => double.Parse(rect.GetAttribute("width")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, widths.Count);
        Assert.Equal(0, widths[1]);
        Assert.Equal(widths[0] / 4, widths[2], 1);
        Assert.Equal([["processed", "1,200", ""], ["failed", "0", ""], ["pending", "300", "note"]],
            rendered.FindAll("tbody tr").Select(row => row.Children.Select(cell => cell.TextContent).ToArray()));
    }

    [Fact]
    public void A_chart_without_values_says_so_and_draws_nothing()
    {
        var rendered = _context.Render<BarChart>(p => p.Add(c => c.Title, "Ranges").Add(c => c.Bars, Array.Empty<ChartBar>()).Add(c => c.EmptyText, "No products yet."));

        Assert.Empty(rendered.FindAll("svg"));
        Assert.Equal("No products yet.", rendered.Find("p").TextContent);
    }

    [Fact]
    public void The_summary_cards_show_placeholders_until_the_statistics_arrive()
    {
        var loading = _context.Render<SummaryCards>();
        var loaded = _context.Render<SummaryCards>(p => p.Add(c => c.Statistics,
            new LetterStatistics { TotalLetters = 12345, ProcessedCount = 12000, FailedCount = 345, AvgConfidence = 0.8765, AvgProcessingTime = 1520 }));

        Assert.All(loading.FindAll("dd"), dd => Assert.Equal("…", dd.TextContent));
        Assert.Equal(["12,345", "12,000", "345", "87.7 %", "1.52 s"], loaded.FindAll("dd").Select(dd => dd.TextContent));
    }

    private IRenderedComponent<Pager> RenderPager(string url, int total, bool capped, int shown)
    {
        var query = LetterQuery.Parse(url);
        var page = new SearchPage(Enumerable.Range(0, shown).Select(i => new LetterSummary(i, "x", null, null, "x", null, null, null, null)).ToList(),
            total, query.PageNumber, 25, (total + 24) / 25, capped);
        return _context.Render<Pager>(p => p.Add(c => c.Query, query).Add(c => c.Result, page));
    }

    public void Dispose() => _context.Dispose();
}
