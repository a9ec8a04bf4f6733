namespace SeLetters.Tests.Infrastructure;

/// <summary>Runs the built migration service against a database, as the operator would.</summary>
public static class MigrationServiceProcess
{
    public static Task<BuiltProgram.Result> RunAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null, params string[] arguments)
    {
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["ConnectionStrings__lettersdb"] = connectionString,
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        return BuiltProgram.RunAsync("SeLetters.MigrationService", environment, arguments, TimeSpan.FromMinutes(2));
    }
}
