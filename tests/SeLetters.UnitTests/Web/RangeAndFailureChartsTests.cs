using Bunit;
using SeLetters.Web.Components.Pages;
using SeLetters.Web.Letters;

namespace SeLetters.UnitTests.Web;

/// <summary>The statistics page's product ranges and failing steps, rendered from the API's <c>range_counts</c> and <c>failed_steps</c>.</summary>
public sealed class RangeAndFailureChartsTests : IDisposable
{
    private readonly BunitContext _context = new();

    [Fact]
    public void Each_range_and_failing_step_is_a_bar_in_the_apis_order_with_its_number_and_latest_error_in_the_table()
    {
        var longRange = "TeSys D contactors and their auxiliary blocks, all ratings";
        var statistics = new LetterStatistics
        {
            RangeCounts = [new(longRange, 1234), new("Altivar 𝄞", 617)],
            FailedSteps = [new("ocr", 40, "timeout <after> 30 s"), new("matching", 10, null)],
        };

        var rendered = _context.Render<RangeAndFailureCharts>(p => p.Add(c => c.Statistics, statistics));

        var charts = rendered.FindAll("figure");
        Assert.Equal(["Most common product ranges", "Processing steps that fail most"], charts.Select(chart => chart.QuerySelector("figcaption")!.TextContent));
        Assert.Equal([[longRange, "1,234"], ["Altivar 𝄞", "617"]], Rows(charts[0]));
        Assert.Equal([["ocr", "40", "timeout <after> 30 s"], ["matching", "10", "(no message)"]], Rows(charts[1]));
        Assert.Equal(["Step", "Failures", "Latest error"], charts[1].QuerySelectorAll("thead th").Select(th => th.TextContent));
        // The drawing shortens a long label; its tooltip and the table keep it whole.
        Assert.Equal(2, charts[0].QuerySelectorAll("rect").Length);
        Assert.Contains("TeSys D contactors and their …", charts[0].QuerySelector("svg text.label")!.TextContent, StringComparison.Ordinal);
        Assert.Equal($"{longRange}: 1,234", charts[0].QuerySelector("rect title")!.TextContent);
    }

    [Fact]
    public void Without_ranges_or_failures_each_chart_says_so()
    {
        var rendered = _context.Render<RangeAndFailureCharts>(p => p.Add(c => c.Statistics, new LetterStatistics()));

        Assert.Empty(rendered.FindAll("svg"));
        Assert.Equal(["No product has a range yet.", "No processing step has failed."], rendered.FindAll("p.empty").Select(p => p.TextContent));
    }

    private static string[][] Rows(AngleSharp.Dom.IElement chart) =>
        [.. chart.QuerySelectorAll("tbody tr").Select(row => row.Children.Select(cell => cell.TextContent).ToArray())];

    public void Dispose() => _context.Dispose();
}
