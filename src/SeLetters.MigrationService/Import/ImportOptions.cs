namespace SeLetters.MigrationService.Import;

/// <summary>Configuration section <c>Import</c>.</summary>
internal sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The letters.duckdb to import after migrating; none: migrate only.</summary>
    public string? Source { get; set; }

    /// <summary>Where the JSON report is written; default <c>import-report.json</c> in the current folder.</summary>
    public string? ReportPath { get; set; }
}
