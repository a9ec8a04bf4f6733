namespace SeLetters.MigrationService;

/// <summary>Configuration section <c>Database</c>: the role the API connects as.</summary>
internal sealed class ApiRoleOptions
{
    public const string Section = "Database";

    public string ApiRole { get; set; } = "seletters_api";

    /// <summary>Without a password no role is managed (e.g. an external server whose roles its operator manages).</summary>
    public string? ApiPassword { get; set; }
}
