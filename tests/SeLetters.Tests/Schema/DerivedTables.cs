using SeLetters.Tests.Api;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Schema;

/// <summary>
/// Each derived table as kept, and recomputed from the tables it derives from by SQL written apart from the schema's:
/// the two texts are equal when the table is exact.
/// </summary>
internal static class DerivedTables
{
    public static readonly (string Table, string Kept, string Recomputed)[] All =
    [
        ("letter_search", LetterSearchTests.Kept, LetterSearchTests.Derived),
        ("letter_product_search", ProductSearchTests.Kept, ProductSearchTests.Recomputed),
        ("letter_statistics", LetterStatisticsTests.FromTotals, LetterStatisticsTests.Recount),
        ("letter_ranges", RangeAndFailedStepStatisticsTests.LetterRangesKept, RangeAndFailedStepStatisticsTests.LetterRangesRecount),
        ("letter_statistics (range)", RangeAndFailedStepStatisticsTests.RangesFromTotals, RangeAndFailedStepStatisticsTests.RangesRecount),
        ("letter_statistics (failed_step)", RangeAndFailedStepStatisticsTests.FailedStepsFromTotals, RangeAndFailedStepStatisticsTests.FailedStepsRecount),
    ];

    public static async Task AssertExactAsync(string database)
    {
        foreach (var (table, kept, recomputed) in All)
        {
            Assert.True(await Target.ScalarAsync<string>(database, recomputed) == await Target.ScalarAsync<string>(database, kept),
                $"{table} differs from its recomputation");
        }
    }
}
