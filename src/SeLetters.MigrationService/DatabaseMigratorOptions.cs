namespace SeLetters.MigrationService;

/// <summary>Configuration section <c>Migrations</c>.</summary>
internal sealed class DatabaseMigratorOptions
{
    public const string Section = "Migrations";

    /// <summary>How long to keep trying while PostgreSQL does not accept connections yet.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
