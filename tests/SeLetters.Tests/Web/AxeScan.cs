using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace SeLetters.Tests.Web;

/// <summary>
/// axe-core run in the page itself, bringing back only its violations. Deque.AxeCore.Playwright's RunAxe injects the
/// 600 KB script again on every call, finishes each run on a blank page of its own and returns every passed,
/// inapplicable and incomplete result too: 2-3 s a call even for two rules on a small page. The site has no frames, so
/// the page's own document is all there is to scan.
/// </summary>
internal static class AxeScan
{
    private static readonly string Source = new BundledAxeScriptProvider().GetScript();

    private const string Run = """
        async rules => (await axe.run(document, { resultTypes: ['violations'], ...(rules && { runOnly: { type: 'rule', values: rules } }) }))
            .violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, failureSummary: n.failureSummary })),
            }))
        """;

    /// <summary>The violations of the given rules, or of axe's default rules when there are none.</summary>
    public static async Task<Violation[]> ViolationsAsync(IPage page, IReadOnlyList<string>? rules)
    {
        // Once per document: a navigation brings a fresh window without it.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
        {
            await page.EvaluateAsync($"() => {{\n{Source}\n}}");
        }

        // Playwright builds only types with a parameterless constructor; System.Text.Json builds records.
        return (await page.EvaluateAsync<JsonElement>(Run, rules)).Deserialize<Violation[]>(JsonSerializerOptions.Web)!;
    }

    public sealed record Violation(string Id, string? Impact, string Help, Node[] Nodes);

    public sealed record Node(string Target, string Html, string FailureSummary);
}
