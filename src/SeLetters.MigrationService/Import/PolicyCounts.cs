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

    /// <summary>Adds another count (one row's, in the import: it counts each row for the import and the verification), ids included.</summary>
    public void Add(PolicyCounts other)
    {
        JsonValid += other.JsonValid;
        JsonEmptyToNull += other.JsonEmptyToNull;
        JsonInvalidKeptAsString += other.JsonInvalidKeptAsString;
        NulCharactersRemoved += other.NulCharactersRemoved;
        NonFiniteRealsKept += other.NonFiniteRealsKept;
        other.JsonInvalidIds.ForEach(id => Note(JsonInvalidIds, id));
        other.NulCharacterIds.ForEach(id => Note(NulCharacterIds, id));
        other.NonFiniteRealIds.ForEach(id => Note(NonFiniteRealIds, id));
    }

    public void Clear()
    {
        JsonValid = JsonEmptyToNull = JsonInvalidKeptAsString = NulCharactersRemoved = NonFiniteRealsKept = 0;
        JsonInvalidIds.Clear();
        NulCharacterIds.Clear();
        NonFiniteRealIds.Clear();
    }
}
