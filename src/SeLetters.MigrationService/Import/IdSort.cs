namespace SeLetters.MigrationService.Import;

/// <summary>
/// Sorts (id, value) pairs by id in constant memory, whatever their number: runs sorted in memory and written to files
/// in a folder of its own under the given parent folder (deleted once the pairs are read), then merged. DuckDB's sort
/// would need blocks of some 30 MB each, far beyond the source's memory limit.
/// </summary>
internal static class IdSort
{
    private const int RunLength = 1 << 18; // 4 MB of pairs
    private const int MergeMemory = 4 << 20;

    private static readonly Comparer<(int Id, long Value)> ById = Comparer<(int Id, long Value)>.Create((a, b) => a.Id.CompareTo(b.Id));

    public static IEnumerable<(int Id, long Value)> Sort(IEnumerable<(int Id, long Value)> pairs, string parentFolder)
    {
        var run = new (int Id, long Value)[RunLength];
        var count = 0;
        var folder = Path.Combine(parentFolder, $"seletters-sort-{Guid.NewGuid():N}");
        var files = new List<string>();
        try
        {
            foreach (var pair in pairs)
            {
                run[count++] = pair;
                if (count == RunLength)
                {
                    files.Add(WriteRun(run, count, folder, files.Count));
                    count = 0;
                }
            }

            if (files.Count == 0)
            {
                Array.Sort(run, 0, count, ById);
                for (var i = 0; i < count; i++)
                {
                    yield return run[i];
                }

                yield break;
            }

            if (count > 0)
            {
                files.Add(WriteRun(run, count, folder, files.Count));
            }

            foreach (var pair in Merge(files))
            {
                yield return pair;
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string WriteRun((int Id, long Value)[] run, int count, string folder, int index)
    {
        Array.Sort(run, 0, count, ById);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"run-{index}");
        using var writer = new BinaryWriter(new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
        for (var i = 0; i < count; i++)
        {
            writer.Write(run[i].Id);
            writer.Write(run[i].Value);
        }

        return file;
    }

    private static IEnumerable<(int Id, long Value)> Merge(List<string> files)
    {
        // The read buffers share a fixed budget, so many runs cost no more memory than a few.
        var buffer = Math.Clamp(MergeMemory / files.Count, 4096, 1 << 16);
        var readers = files.Select(file => new BinaryReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.None, buffer))).ToList();
        try
        {
            var heads = new PriorityQueue<(BinaryReader Reader, long Value), int>();
            foreach (var reader in readers)
            {
                Next(reader, heads);
            }

            while (heads.TryDequeue(out var head, out var id))
            {
                yield return (id, head.Value);
                Next(head.Reader, heads);
            }
        }
        finally
        {
            readers.ForEach(reader => reader.Dispose());
        }
    }

    private static void Next(BinaryReader reader, PriorityQueue<(BinaryReader Reader, long Value), int> heads)
    {
        if (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            var id = reader.ReadInt32();
            heads.Enqueue((reader, reader.ReadInt64()), id);
        }
    }
}
