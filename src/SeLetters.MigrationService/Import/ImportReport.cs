using System.Text.Json;
using System.Text.Json.Serialization;

namespace SeLetters.MigrationService.Import;

/// <summary>The JSON report of an import or a verification (see docs/import.md).</summary>
internal sealed class ImportReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Command { get; init; }

    public required string Source { get; init; }

    public required string Target { get; init; }

    public DateTime StartedAt { get; init; } = DateTime.UtcNow;

    public DateTime FinishedAt { get; set; }

    /// <summary>True when the verification found every source row imported or quarantined, with matching checksums, and no orphan.</summary>
    public bool Ok { get; set; }

    public List<string> Problems { get; } = [];

    public List<string> Warnings { get; } = [];

    public ImportSection? Import { get; set; }

    public VerificationSection? Verification { get; set; }

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}

internal sealed class ImportSection
{
    public int RunId { get; set; }

    public List<int> InterruptedRunsResumed { get; } = [];

    public long RowsImported => Tables.Sum(table => table.Imported);

    public List<TableImport> Tables { get; } = [];

    public List<SequenceSetting> Sequences { get; } = [];

    /// <summary>How long the import waited, after its last table, for the index builds still running.</summary>
    public double IndexBuildWaitSeconds { get; set; }

    /// <summary>How long the VACUUM (ANALYZE) of the written tables took, after the derived tables' refresh.</summary>
    public double VacuumSeconds { get; set; }
}

internal sealed class TableImport
{
    public required string Table { get; init; }

    public bool InSource { get; set; }

    public long SourceRows { get; set; }

    public long Imported { get; set; }

    public long Quarantined { get; set; }

    public long AlreadyPresent { get; set; }

    public double Seconds { get; set; }

    public double RowsPerSecond { get; set; }

    /// <summary>
    /// Secondary indexes dropped for the load into the empty table and built again after it, on a second connection
    /// while the next table was copied (not part of <see cref="Seconds"/>), in <see cref="IndexSeconds"/>.
    /// </summary>
    public int IndexesRebuilt { get; set; }

    public double IndexSeconds { get; set; }

    public List<string> MissingColumns { get; set; } = [];

    public List<string> UnknownColumns { get; set; } = [];

    /// <summary>The policies applied to the rows imported by this run.</summary>
    public PolicyCounts Policies { get; } = new();
}

internal sealed record SequenceSetting(string Table, string Sequence, long SetTo);

internal sealed class VerificationSection
{
    public List<TableVerification> Tables { get; } = [];

    public List<OrphanCheck> OrphanChecks { get; } = [];

    public List<string> SequencesBehindMaxId { get; } = [];

    public long MatchesOfAnotherLettersProduct { get; set; }

    public double Seconds { get; set; }
}

internal sealed class TableVerification
{
    public required string Table { get; init; }

    public bool InSource { get; set; }

    public long SourceRows { get; set; }

    public long TargetRows { get; set; }

    /// <summary>Source rows found in the target with the same checksum.</summary>
    public long Imported { get; set; }

    public long Quarantined { get; set; }

    public long ChecksumMismatches { get; set; }

    public List<int> ChecksumMismatchIds { get; } = [];

    public long MissingFromTarget { get; set; }

    public List<int> MissingIds { get; } = [];

    /// <summary>Target rows whose id is not in the source (added after the import, or deleted from a newer source): reported, not an error.</summary>
    public long OnlyInTarget { get; set; }

    public List<string> MissingColumns { get; set; } = [];

    public List<string> UnknownColumns { get; set; } = [];

    /// <summary>The policies over the whole source table.</summary>
    public PolicyCounts Policies { get; } = new();

    public bool Ok => SourceRows == Imported + Quarantined && ChecksumMismatches == 0 && MissingFromTarget == 0;
}

internal sealed record OrphanCheck(string ForeignKey, long Orphans);
