using SeLetters.MigrationService.Import;

namespace SeLetters.Tests.Import;

/// <summary>The verification's sort of (id, checksum) pairs: in memory when they are few, in runs on disk merged when many.</summary>
public sealed class IdSortTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(600_000)] // more than one run
    public void Pairs_come_back_sorted_by_id_with_their_values(int count)
    {
        var random = new Random(count);
        var ids = Enumerable.Range(1, count).OrderBy(_ => random.Next()).ToList();

        var sorted = IdSort.Sort(ids.Select(id => (id, (long)id * 31))).ToList();

        Assert.Equal(Enumerable.Range(1, count), sorted.Select(pair => pair.Id));
        Assert.All(sorted, pair => Assert.Equal((long)pair.Id * 31, pair.Value));
    }

    [Fact]
    public void The_run_files_are_gone_once_the_pairs_are_read()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "seletters-sort-*").Length;

        Assert.Equal(600_000, IdSort.Sort(Enumerable.Range(0, 600_000).Select(id => (600_000 - id, 0L))).Count());

        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "seletters-sort-*").Length);
    }
}
