using SeLetters.Web.Components;

namespace SeLetters.UnitTests.Web;

public sealed class WebAppBoundaryTests
{
    /// <summary>The web app reads and writes through the API only: it cannot reach a database without a client for one.</summary>
    [Fact]
    public void The_web_app_references_no_database_client_and_none_of_the_apis_code()
    {
        var references = typeof(App).Assembly.GetReferencedAssemblies().Select(assembly => assembly.Name!).ToList();

        Assert.Contains("Microsoft.AspNetCore.Components.Endpoints", references);
        Assert.DoesNotContain(references, name =>
            name.StartsWith("Npgsql", StringComparison.Ordinal) || name.StartsWith("DuckDB", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
            || name is "SeLetters.Data" or "SeLetters.Api");
    }
}
