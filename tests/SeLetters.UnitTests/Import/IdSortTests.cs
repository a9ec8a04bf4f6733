using SeLetters.MigrationService.Import;

namespace SeLetters.UnitTests.Import;

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

        var sorted = IdSort.Sort(ids.Select(id => (id, (long)id * 31)), Path.GetTempPath()).ToList();

        Assert.Equal(Enumerable.Range(1, count), sorted.Select(pair => pair.Id));
        Assert.All(sorted, pair => Assert.Equal((long)pair.Id * 31, pair.Value));
    }

    [Fact]
    public void The_run_files_are_gone_once_the_pairs_are_read()
    {
        var parent = Directory.CreateTempSubdirectory("seletters-idsort-test-").FullName;
        try
        {
            var read = 0;
            var runFilesWhileReading = 0;
            foreach (var _ in IdSort.Sort(Enumerable.Range(0, 600_000).Select(id => (600_000 - id, 0L)), parent))
            {
                if (read++ == 0)
                {
                    runFilesWhileReading = Directory.GetFiles(parent, "*", SearchOption.AllDirectories).Length;
                }
            }

            Assert.Equal(600_000, read);
            Assert.True(runFilesWhileReading > 1, $"{runFilesWhileReading} run files while the pairs were read");
            Assert.Empty(Directory.GetFileSystemEntries(parent));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}
