namespace SeLetters.MigrationService.Privileges;

/// <summary>Configuration section <c>Database</c>: the role the API connects as.</summary>
internal sealed class ApiRoleOptions
{
    public const string Section = "Database";

    public string ApiRole { get; set; } = "seletters_api";

    /// <summary>
    /// The role's password; its login is created or updated with it. Without one, an existing role still gets exactly
    /// the API's privileges (a role its operator created), and a missing one is left alone.
    /// </summary>
    public string? ApiPassword { get; set; }
}
