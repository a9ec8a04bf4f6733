using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Microsoft.Playwright;
using MiniExcelLibs;
using SeLetters.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SeLetters.Tests.Api.LetterSamples;

namespace SeLetters.Tests.Web;

/// <summary>
/// The letters browser in a real browser (Debian's Chromium through Playwright): what an engineer does on each page.
/// Screenshots of every page, light and dark, are kept in TestResults/web/.
/// </summary>
public sealed class LettersBrowserTests(PostgresServerFixture postgres, BrowserFixture browser) : IClassFixture<PostgresServerFixture>, IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const int Relays = 23;
    private static readonly string Screenshots = Path.Combine(RepositoryFiles.Root, "TestResults", "web");

    private LettersSite _site = null!;
    private int _detailed;

    public async Task InitializeAsync()
    {
        _site = await LettersSite.StartAsync(postgres);
        using var writer = _site.CreateApiWriter();
        var statuses = new[] { "processed", "failed", "pending" };
        for (var i = 0; i < Relays; i++)
        {
            var letter = Letter($"Relay-{i:D2}.pdf");
            letter["status"] = statuses[i % 3];
            letter["extraction_confidence"] = 0.05 + i % 10 / 10.0;
            letter["processing_time_ms"] = 100 + i * 10;
            await StoreAsync(writer, letter);
        }

        var breaker = Letter("Breaker-notice.pdf");
        breaker["products"]![0]!["product_identifier"] = "NW16H1";
        breaker["products"]![0]!["range_label"] = "Masterpact";
        await StoreAsync(writer, breaker);

        var detailed = Letter("Contactor notice 2026.pdf");
        detailed["document_title"] = "TeSys D contactors: end of commercialisation";
        detailed["processing_debug"] = new JsonArray(
            new JsonObject { ["processing_step"] = "ocr", ["step_timestamp"] = "2026-11-25T10:00:01", ["step_duration_ms"] = 850, ["step_success"] = true },
            new JsonObject { ["processing_step"] = "matching", ["step_timestamp"] = "2026-11-25T10:00:02", ["step_duration_ms"] = 1200, ["step_success"] = false, ["error_message"] = "Catalogue lookup timed out" });
        _detailed = await StoreAsync(writer, detailed);
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task A_search_typed_into_the_box_lands_in_the_url_and_its_matches_are_highlighted()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");

        await page.GetByLabel("Search letters").FillAsync("RELAY-1");
        await page.GetByLabel("Search letters").PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"[?&]search=RELAY-1(&|$)"));
        await Expect(page.Locator("#result-count")).ToHaveTextAsync("10 letters match");
        var names = await page.Locator("td.document > a").AllInnerTextsAsync();
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"Relay-{i}.pdf").Order(), names.Order());
        // The matched text, as written in the letter, is marked in the name, the title and the path.
        Assert.All(await page.Locator("td.document > a mark").AllInnerTextsAsync(), mark => Assert.Equal("Relay-1", mark));
        Assert.Equal(30, await page.Locator("td.document mark").CountAsync());
        await Expect(page.GetByLabel("Search letters")).ToHaveValueAsync("RELAY-1");
    }

    [Fact]
    public async Task Filters_and_sorting_narrow_and_order_the_table_and_live_in_the_url()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");

        await page.GetByLabel("Status").SelectOptionAsync("failed");
        await page.Locator("#min_confidence").FillAsync("0.3");
        await page.GetByLabel("Product").FillAsync("tesys");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        // A GET form: the filters are the URL's query, so the page can be bookmarked and shared.
        foreach (var parameter in new[] { "status=failed", "min_confidence=0.3", "product=tesys" })
        {
            Assert.Contains(parameter, page.Url, StringComparison.Ordinal);
        }

        var expected = Enumerable.Range(0, Relays).Where(i => i % 3 == 1 && 0.05 + i % 10 / 10.0 >= 0.3).ToList();
        await Expect(page.Locator("#result-count")).ToHaveTextAsync($"{expected.Count} letters match");

        await page.GetByRole(AriaRole.Link, new() { Name = "Confidence", Exact = true }).ClickAsync();
        await Expect(page.Locator("th[aria-sort=descending]")).ToHaveTextAsync("Confidence ▼");
        var descending = await ConfidencesAsync(page);
        Assert.Equal(descending.OrderDescending(), descending);

        await page.GetByRole(AriaRole.Link, new() { Name = "Confidence", Exact = true }).ClickAsync();
        await Expect(page.Locator("th[aria-sort=ascending]")).ToHaveTextAsync("Confidence ▲");
        Assert.Equal(descending.Order(), await ConfidencesAsync(page));
        Assert.Contains("sort_by=extraction_confidence&sort_order=asc", page.Url, StringComparison.Ordinal);
        Assert.Equal(expected.Count, await page.Locator("tbody tr").CountAsync());
    }

    [Fact]
    public async Task Paging_walks_through_every_match_once()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/?search=relay&limit=10&sort_by=document_name&sort_order=asc");
        await Expect(page.Locator(".pager [aria-current=page]")).ToHaveTextAsync("Page 1 of 3");

        var seen = new List<string>();
        for (var number = 1; number <= 3; number++)
        {
            await Expect(page.Locator(".pager [aria-current=page]")).ToHaveTextAsync($"Page {number} of 3");
            seen.AddRange(await page.Locator("td.document > a").AllInnerTextsAsync());
            if (number < 3)
            {
                await page.GetByRole(AriaRole.Link, new() { Name = "Next ›" }).ClickAsync();
            }
        }

        Assert.Equal(Enumerable.Range(0, Relays).Select(i => $"Relay-{i:D2}.pdf"), seen);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next ›" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "« First" }).ClickAsync();
        await Expect(page.Locator(".pager [aria-current=page]")).ToHaveTextAsync("Page 1 of 3");
        Assert.DoesNotContain("page=", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_letter_page_shows_its_products_catalogue_matches_steps_and_json()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/?search=contactor");
        await page.GetByRole(AriaRole.Link, new() { Name = "Contactor notice 2026.pdf" }).ClickAsync();

        await Expect(page).ToHaveURLAsync($"{_site.BaseUrl}/letters/{_detailed}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Contactor notice 2026.pdf");
        await Expect(page.Locator(".subtitle")).ToHaveTextAsync("TeSys D contactors: end of commercialisation");
        var matches = page.Locator("table.matches tbody tr");
        await Expect(matches).ToHaveCountAsync(2);
        // LC1D09M7 is in the catalogue: its range and dates come from there; the other match is not.
        await Expect(matches.Nth(0).Locator("th")).ToHaveTextAsync("LC1D09M7");
        await Expect(matches.Nth(0).Locator("td").Nth(3)).ToHaveTextAsync("TeSys D");
        await Expect(matches.Nth(1)).ToContainTextAsync("NOT-IN-CATALOGUE");
        await Expect(matches.Nth(1).Locator("td.not-in-catalogue")).ToHaveTextAsync("not in the catalogue");
        var steps = page.Locator("ol.timeline > li");
        await Expect(steps).ToHaveCountAsync(2);
        await Expect(steps.Nth(0)).ToContainTextAsync("ocr");
        await Expect(steps.Nth(0)).ToContainTextAsync("850 ms");
        await Expect(steps.Nth(1)).ToHaveClassAsync("failed");
        await Expect(steps.Nth(1)).ToContainTextAsync("Error: Catalogue lookup timed out");
        var raw = page.Locator("details.json").First;
        Assert.Null(await raw.GetAttributeAsync("open"));
        await raw.Locator("summary").ClickAsync();
        await Expect(raw.Locator("pre")).ToContainTextAsync("\"products\": [");
        // Read-only without sign-in: no write controls anywhere.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Change status" })).ToHaveCountAsync(0);
        await Expect(page.GetByText("Delete this letter")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_statistics_page_shows_the_apis_numbers_as_charts_and_tables()
    {
        var statistics = await GetJsonAsync(_site.CreateApiReader(), "/api/letters/statistics");
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Statistics", Exact = true }).ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Statistics");
        await Expect(page.Locator(".card", new() { HasText = "Letters" }).First.Locator("dd")).ToHaveTextAsync(statistics.GetProperty("total_letters").GetInt32().ToString("N0"));
        await Expect(page.Locator("figure.chart svg")).ToHaveCountAsync(5);
        var byStatus = page.Locator("figure.chart", new() { HasText = "Letters by status" });
        await byStatus.Locator("summary").ClickAsync();
        foreach (var status in statistics.GetProperty("status_counts").EnumerateObject())
        {
            await Expect(byStatus.Locator("tbody tr", new() { HasText = status.Name })).ToContainTextAsync(status.Value.GetInt32().ToString("N0"));
        }

        Assert.Equal(statistics.GetProperty("status_counts").EnumerateObject().Count(), await byStatus.Locator("svg rect").CountAsync());
    }

    [Fact]
    public async Task The_statistics_page_shows_the_most_common_ranges_and_the_failing_steps_with_their_latest_error()
    {
        var statistics = await GetJsonAsync(_site.CreateApiReader(), "/api/letters/statistics");
        var page = await NewPageAsync();
        await page.GotoAsync("/statistics");

        var ranges = page.Locator("figure.chart", new() { HasText = "Most common product ranges" });
        var failures = page.Locator("figure.chart", new() { HasText = "Processing steps that fail most" });
        await ranges.Locator("summary").ClickAsync();
        await failures.Locator("summary").ClickAsync();

        // Every letter but the breaker notice has a TeSys D product; the detailed letter's matching step failed.
        Assert.Equal([["TeSys D", (Relays + 1).ToString("N0")], ["Masterpact", "1"]], await RowsAsync(ranges));
        Assert.Equal([["matching", "1", "Catalogue lookup timed out"]], await RowsAsync(failures));
        Assert.Equal(statistics.GetProperty("range_counts").GetArrayLength(), await ranges.Locator("svg rect").CountAsync());
        Assert.Equal(statistics.GetProperty("failed_steps").GetArrayLength(), await failures.Locator("svg rect").CountAsync());

        static async Task<List<string[]>> RowsAsync(ILocator chart)
        {
            var rows = new List<string[]>();
            foreach (var row in await chart.Locator("tbody tr").AllAsync())
            {
                rows.Add([.. await row.Locator("th, td").AllInnerTextsAsync()]);
            }

            return rows;
        }
    }

    [Fact]
    public async Task Every_export_download_has_as_many_rows_as_the_search_has_matches_in_its_order()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/?search=relay&status=processed&sort_by=document_name&sort_order=asc&limit=10&page=2");
        var total = int.Parse((await page.Locator("#result-count strong").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal));
        Assert.Equal(8, total);

        foreach (var (link, format) in new[] { ("CSV", "csv"), ("Excel", "xlsx"), ("NDJSON", "ndjson") })
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync());
            Assert.EndsWith($".{format}", download.SuggestedFilename, StringComparison.Ordinal);
            var names = ExportedNames(format, await File.ReadAllBytesAsync((await download.PathAsync())!));
            Assert.Equal(total, names.Count);
            Assert.Equal(names.Order(StringComparer.Ordinal), names);
            Assert.All(names, name => Assert.StartsWith("Relay-", name, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_export_the_api_refuses_is_a_page_saying_why()
    {
        var page = await NewPageAsync();

        var response = await page.GotoAsync("/export?format=xlsx&sort_by=nonsense");

        Assert.Equal((int)HttpStatusCode.BadRequest, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("The download could not be made");
        await Expect(page.Locator("[role=alert]")).ToContainTextAsync("sort_by must be one of");
    }

    [Fact]
    public async Task Signing_in_brings_the_write_controls_and_a_status_change_and_a_deletion_are_saved()
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"/letters/{_detailed}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in to make changes" }).ClickAsync();

        await page.GetByLabel("API key").FillAsync("not-the-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("[role=alert]")).ToHaveTextAsync("The letter database did not accept that key.");

        await page.GetByLabel("API key").FillAsync(Api.LettersApiFactory.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{_site.BaseUrl}/letters/{_detailed}");
        var session = (await page.Context.CookiesAsync()).Single(cookie => cookie.Name == "seletters-session");
        Assert.True(session.HttpOnly);
        Assert.DoesNotContain(Api.LettersApiFactory.ApiKey, session.Value, StringComparison.Ordinal);

        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("reviewed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync("Status changed to “reviewed”.");
        Assert.Equal("reviewed", (await GetJsonAsync(_site.CreateApiReader(), $"/api/letters/{_detailed}")).GetProperty("status").GetString());

        // Two letters selected on the list, confirmed, deleted.
        await page.GotoAsync("/?search=relay-2");
        await page.GetByLabel("Select Relay-20.pdf").CheckAsync();
        await page.GetByLabel("Select Relay-21.pdf").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete selected letters…" }).ClickAsync();
        await Expect(page.Locator("ul.to-delete li")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete 2 letters" }).ClickAsync();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync("Deleted 2 letters.");
        var remaining = await GetJsonAsync(_site.CreateApiReader(), "/api/letters?search=relay-2");
        Assert.Equal(["Relay-22.pdf"], remaining.GetProperty("data").EnumerateArray().Select(l => l.GetProperty("document_name").GetString()));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in to make changes" })).ToBeVisibleAsync();
        await Expect(page.Locator("input[type=checkbox]")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// The pipeline reprocesses a letter while an engineer reads it: the status the engineer then chooses was chosen for
    /// the letter as it was, so it is refused (the version the page was opened on goes back in If-Match), and the page
    /// shows the letter as it is now, from which the change goes through.
    /// </summary>
    [Fact]
    public async Task A_status_change_to_a_letter_changed_since_its_page_was_opened_is_refused_and_the_page_shows_it_as_it_is_now()
    {
        var page = await NewPageAsync();
        await SignInAsync(page);
        await page.GotoAsync($"/letters/{_detailed}");
        using (var writer = _site.CreateApiWriter())
        using (var reprocessed = await writer.PatchAsJsonAsync($"/api/letters/{_detailed}", new { document_title = "Reprocessed: TeSys D, two more ranges" }))
        {
            Assert.Equal(HttpStatusCode.OK, reprocessed.StatusCode);
        }

        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("reviewed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();

        await Expect(page.Locator("[role=alert]")).ToContainTextAsync("This letter changed after you opened it");
        await Expect(page.Locator("[role=alert]")).Not.ToContainTextAsync("If-Match");
        await Expect(page.Locator(".subtitle")).ToHaveTextAsync("Reprocessed: TeSys D, two more ranges");
        Assert.Equal("processed", (await GetJsonAsync(_site.CreateApiReader(), $"/api/letters/{_detailed}")).GetProperty("status").GetString());

        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("reviewed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync("Status changed to “reviewed”.");
        Assert.Equal("reviewed", (await GetJsonAsync(_site.CreateApiReader(), $"/api/letters/{_detailed}")).GetProperty("status").GetString());

        // A version tampered into a header of its own is no entity tag: it is not sent, and the change is made.
        await page.Locator("input[type=hidden][name='StatusChange.Version']").EvaluateAsync("input => input.value = '\"1\"\\r\\nX-Api-Key: other'");
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("pending");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync("Status changed to “pending”.");
    }

    /// <summary>
    /// The pipeline reprocesses one of two letters between the confirmation page and the click: the engineer confirmed
    /// deleting the letter as it was, so the unchanged one is deleted and the changed one is kept (each letter's version
    /// on the confirmation page goes back in If-Match), listed as it is now to be confirmed again.
    /// </summary>
    [Fact]
    public async Task A_letter_changed_after_its_deletion_was_confirmed_is_kept_and_listed_again_while_the_others_are_deleted()
    {
        var page = await NewPageAsync();
        await SignInAsync(page);
        await page.GotoAsync("/?search=relay-1");
        await page.GetByLabel("Select Relay-10.pdf").CheckAsync();
        await page.GetByLabel("Select Relay-11.pdf").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete selected letters…" }).ClickAsync();
        await Expect(page.Locator("ul.to-delete li")).ToHaveCountAsync(2);
        var reader = _site.CreateApiReader();
        var reprocessedId = (await GetJsonAsync(reader, "/api/letters?search=relay-11")).GetProperty("data")[0].GetProperty("id").GetInt32();
        using (var writer = _site.CreateApiWriter())
        using (var reprocessed = await writer.PatchAsJsonAsync($"/api/letters/{reprocessedId}", new { document_title = "Reprocessed: three more products" }))
        {
            Assert.Equal(HttpStatusCode.OK, reprocessed.StatusCode);
        }

        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Delete 2 letters" }).ClickAsync(),
            response => response.Request.Method == "POST");

        Assert.Equal((int)HttpStatusCode.Conflict, answer.Status);
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync("Deleted 1 letter.");
        await Expect(page.Locator("[role=alert]")).ToContainTextAsync("This letter changed after you confirmed, so it was not deleted.");
        await Expect(page.Locator("ul.to-delete li")).ToHaveTextAsync(["Relay-11.pdf /test/Relay-11.pdf"]);
        Assert.Equal(0, await MatchesAsync(reader, "relay-10"));
        Assert.Equal(1, await MatchesAsync(reader, "relay-11"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete the letter" }).ClickAsync();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync("Deleted 1 letter.");
        Assert.Equal(0, await MatchesAsync(reader, "relay-11"));
        Assert.Equal(8, await MatchesAsync(reader, "relay-1"));
    }

    [Fact]
    public async Task Without_javascript_search_paging_sign_in_and_a_status_change_still_work()
    {
        var page = await NewPageAsync(javaScript: false);
        await page.GotoAsync("/");
        await page.GetByLabel("Search letters").FillAsync("relay");
        await page.GetByLabel("Per page").SelectOptionAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#result-count")).ToHaveTextAsync($"{Relays} letters match");
        await page.GetByRole(AriaRole.Link, new() { Name = "Next ›" }).ClickAsync();
        await Expect(page.Locator(".pager [aria-current=page]")).ToHaveTextAsync("Page 2 of 3");

        await SignInAsync(page);
        await page.GotoAsync($"/letters/{_detailed}");
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("pending");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();

        await Expect(page.Locator("[role=status]")).ToHaveTextAsync("Status changed to “pending”.");
        Assert.Equal("pending", (await GetJsonAsync(_site.CreateApiReader(), $"/api/letters/{_detailed}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_missing_letter_or_page_is_a_friendly_page_with_status_404()
    {
        var page = await NewPageAsync();
        foreach (var path in new[] { "/letters/999999", "/letters/not-a-number", "/no/such/page" })
        {
            var response = await page.GotoAsync(path);

            Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
            await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Search the letters" })).ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task The_keyboard_alone_reaches_the_search_box_the_results_and_a_letter()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");

        // Blazor's script starts the page at its heading (for screen readers); without it, at the top of the document,
        // where the first Tab stop skips to the content.
        await Expect(page.Locator(":focus")).ToHaveTextAsync("Obsolescence letters");
        var plain = await NewPageAsync(javaScript: false);
        await plain.GotoAsync("/");
        await plain.Keyboard.PressAsync("Tab");
        await Expect(plain.Locator(":focus")).ToHaveTextAsync("Skip to content");
        await plain.Keyboard.PressAsync("Enter");
        await Expect(plain).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#main$"));

        await TabToAsync(page, "document.activeElement.id === 'search'");
        await page.Keyboard.TypeAsync("breaker");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#result-count")).ToHaveTextAsync("1 letter matches");

        await TabToAsync(page, "document.activeElement.textContent === 'Breaker-notice.pdf'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Breaker-notice.pdf");
    }

    [Fact]
    public async Task Every_page_has_no_serious_or_critical_axe_violation_in_light_or_dark()
    {
        Directory.CreateDirectory(Screenshots);
        var pages = new (string Name, string Path, bool SignedIn)[]
        {
            ("letters", "/", false),
            ("letters-search", "/?search=relay&status=processed&sort_by=document_name&sort_order=asc&limit=10", false),
            ("letters-signed-in", "/?search=relay", true),
            ("letter", $"/letters/{_detailed}", false),
            ("letter-signed-in", $"/letters/{_detailed}", true),
            ("statistics", "/statistics", false),
            ("sign-in", "/sign-in", false),
            ("delete-confirmation", "/letters/delete?id=1&id=2", true),
            ("not-found", "/letters/999999", false),
            ("export-refused", "/export?format=pdf", false),
        };
        // One tab signed in through the form (whose page is checked below like the others) and one not, each going from
        // page to page: a sign-in took 3 s and a fresh profile and tab 0.6 s. Links look the same visited or not.
        var anonymous = await NewPageAsync();
        var member = await NewPageAsync();
        await SignInAsync(member);
        var violations = new List<string>();
        foreach (var (name, path, signedIn) in pages)
        {
            var page = signedIn ? member : anonymous;
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(signedIn ? 1 : 0);
            await CheckAsync(page, name, ColorScheme.Light, null);
            // The dark scheme changes the page's colours and nothing else, so the same page is switched to it and checked
            // again by the rules that read colours.
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            Assert.Equal("rgb(18, 20, 23)", await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
            await CheckAsync(page, name, ColorScheme.Dark, ["color-contrast", "link-in-text-block"]);
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));

        async Task CheckAsync(IPage page, string name, ColorScheme scheme, IReadOnlyList<string>? rules)
        {
            violations.AddRange((await AxeScan.ViolationsAsync(page, rules)).Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{name} ({scheme}): {v.Id} {v.Impact}: {v.Help} at " +
                    string.Join("; ", v.Nodes.Select(n => $"{n.Target} {n.Html}: {n.FailureSummary.ReplaceLineEndings(" ")}"))));
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}-{scheme.ToString().ToLowerInvariant()}.png"), FullPage = true });
        }
    }

    private async Task<IPage> NewPageAsync(bool javaScript = true)
    {
        var context = await browser.NewContextAsync(_site.BaseUrl, javaScript);
        return await context.NewPageAsync();
    }

    /// <summary>Presses Tab until the focused element is the one the condition describes (at most 60 times).</summary>
    private static async Task TabToAsync(IPage page, string condition)
    {
        for (var presses = 0; !await page.EvaluateAsync<bool>(condition); presses++)
        {
            Assert.True(presses < 60, $"Tab never reached the element where {condition}");
            await page.Keyboard.PressAsync("Tab");
        }
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("API key").FillAsync(Api.LettersApiFactory.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    private static async Task<int> MatchesAsync(HttpClient reader, string search) =>
        (await GetJsonAsync(reader, $"/api/letters?search={search}")).GetProperty("total").GetInt32();

    private static async Task<List<double>> ConfidencesAsync(IPage page) =>
        (await page.Locator("tbody td.num:nth-of-type(3)").AllInnerTextsAsync())
            .Select(text => double.Parse(text.TrimEnd('%', ' '), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>The document names of an export's rows, in order.</summary>
    private static List<string> ExportedNames(string format, byte[] body)
    {
        switch (format)
        {
            case "csv":
                using (var csv = CsvReader.Create(body))
                {
                    var names = new List<string>();
                    while (csv.Read())
                    {
                        names.Add(csv.GetString("document_name"));
                    }

                    return names;
                }

            case "ndjson":
                return System.Text.Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("document_name").GetString()!).ToList();
            default:
                using (var stream = new MemoryStream(body))
                {
                    return stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().Select(row => (string)row["document_name"]!).ToList();
                }
        }
    }
}
