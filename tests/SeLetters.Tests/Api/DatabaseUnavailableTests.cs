using System.Net;
using Npgsql;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LettersApiTests;

namespace SeLetters.Tests.Api;

public sealed class DatabaseUnavailableTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Without_the_database_the_letters_endpoints_answer_503_problems()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(postgres.ServerConnectionString) { Host = "127.0.0.1", Port = 1, Timeout = 2 };
        await using var api = LettersApiFactory.For(unreachable.ConnectionString,
            ("Aspire:Npgsql:EntityFrameworkCore:PostgreSQL:DisableRetry", "true"));
        using var client = api.CreateClient();

        using var search = await client.GetAsync("/api/letters");
        using var statistics = await client.GetAsync("/api/letters/statistics");
        using var catalogue = await client.GetAsync("/api/catalogue/products/LC1D09M7");

        await AssertProblemAsync(search, HttpStatusCode.ServiceUnavailable);
        await AssertProblemAsync(statistics, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, catalogue.StatusCode);
    }
}
