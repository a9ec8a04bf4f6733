using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SeLetters.MigrationService.Import;

/// <summary>The rows counter and the spans of the import, under the migration service's name.</summary>
internal sealed class ImportTelemetry : IDisposable
{
    public const string MeterName = "SeLetters.MigrationService";

    public static readonly ActivitySource ActivitySource = new(MigrationWorker.ActivitySourceName);

    private readonly Meter _meter;

    public ImportTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        Rows = _meter.CreateCounter<long>("seletters.import.rows", "{row}", "Rows imported from letters.duckdb into PostgreSQL");
        Quarantined = _meter.CreateCounter<long>("seletters.import.quarantined", "{row}", "Source rows put in migration_quarantine");
    }

    public Counter<long> Rows { get; }

    public Counter<long> Quarantined { get; }

    public void Dispose() => _meter.Dispose();
}
