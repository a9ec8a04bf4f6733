namespace SeLetters.MigrationService.Import;

/// <summary>How often each conversion policy applied, with the ids of the rows concerned (the first 100 of each).</summary>
internal sealed class PolicyCounts
{
    private const int MaxIds = 100;

    public long JsonValid { get; set; }

    public long JsonEmptyToNull { get; set; }

    public long JsonInvalidKeptAsString { get; set; }

    public List<int> JsonInvalidIds { get; } = [];

    public long NulCharactersRemoved { get; set; }

    public List<int> NulCharacterIds { get; } = [];

    public long NonFiniteRealsKept { get; set; }

    public List<int> NonFiniteRealIds { get; } = [];

    public static void Note(List<int> ids, int id)
    {
        if (ids.Count < MaxIds && (ids.Count == 0 || ids[^1] != id))
        {
            ids.Add(id);
        }
    }

    public void Add(PolicyCounts other)
    {
        JsonValid += other.JsonValid;
        JsonEmptyToNull += other.JsonEmptyToNull;
        JsonInvalidKeptAsString += other.JsonInvalidKeptAsString;
        NulCharactersRemoved += other.NulCharactersRemoved;
        NonFiniteRealsKept += other.NonFiniteRealsKept;
    }
}
