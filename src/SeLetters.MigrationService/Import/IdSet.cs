namespace SeLetters.MigrationService.Import;

/// <summary>
/// A set of int ids as a sparse bitset (pages of 65,536 bits): 8 KB per page in use, so a million dense ids take
/// 128 KB, far less than a HashSet.
/// </summary>
internal sealed class IdSet
{
    private const int PageBits = 16;
    private readonly Dictionary<int, ulong[]> _pages = [];

    public long Count { get; private set; }

    public bool Contains(int id) =>
        _pages.TryGetValue(id >> PageBits, out var page) && (page[(id & 0xFFFF) >> 6] & (1UL << (id & 63))) != 0;

    public bool Add(int id)
    {
        if (!_pages.TryGetValue(id >> PageBits, out var page))
        {
            page = new ulong[1 << (PageBits - 6)];
            _pages[id >> PageBits] = page;
        }

        ref var word = ref page[(id & 0xFFFF) >> 6];
        var bit = 1UL << (id & 63);
        if ((word & bit) != 0)
        {
            return false;
        }

        word |= bit;
        Count++;
        return true;
    }
}
