namespace SeLetters.MigrationService.Import;

/// <summary>Configuration section <c>Import</c>.</summary>
internal sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The letters.duckdb to import after migrating; none: migrate only.</summary>
    public string? Source { get; set; }

    /// <summary>Where the JSON report is written; default <c>import-report.json</c> in the current folder.</summary>
    public string? ReportPath { get; set; }

    /// <summary>
    /// DuckDB's memory_limit while it reads the source. The scan reads each block once, so DuckDB's cache is of no
    /// use; the default keeps the import's peak RSS low (< 300 MB) and leaves room for 2–8 KB JSON per column.
    /// </summary>
    public string SourceMemoryLimit { get; set; } = "32MB";
}
