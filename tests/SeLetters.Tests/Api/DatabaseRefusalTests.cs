using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using SeLetters.Tests.Infrastructure;
using static SeLetters.Tests.Api.LetterSamples;
using static SeLetters.Tests.Api.LettersApiTests;

namespace SeLetters.Tests.Api;

/// <summary>
/// A value PostgreSQL refuses that validation let through is the client's error, and a write that loses to concurrent
/// ones on every attempt is the server's passing state, neither a 500: a trigger of the test's own raises each kind of
/// error, as a data error, a constraint, a size limit or another writer would.
/// </summary>
public sealed class DatabaseRefusalTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Theory]
    [InlineData("22021", HttpStatusCode.BadRequest)] // invalid byte sequence (a NUL in text)
    [InlineData("22P05", HttpStatusCode.BadRequest)] // untranslatable character (\u0000 in jsonb)
    [InlineData("22003", HttpStatusCode.BadRequest)] // numeric value out of range
    [InlineData("23502", HttpStatusCode.BadRequest)] // not null violation
    [InlineData("23505", HttpStatusCode.Conflict)] // unique violation
    [InlineData("23503", HttpStatusCode.Conflict)] // foreign key violation
    [InlineData("54000", HttpStatusCode.RequestEntityTooLarge)] // index row size exceeds the maximum
    [InlineData("54001", HttpStatusCode.RequestEntityTooLarge)] // stack depth limit exceeded (deep jsonb)
    public Task A_refusal_by_the_database_is_a_4xx_problem_logged_once(string sqlState, HttpStatusCode status) =>
        AssertStoreRaisingAsync(sqlState, status);

    /// <summary>The API's retry strategy tries such a write four times; the trigger raises the error on each.</summary>
    [Theory]
    [InlineData("40P01")] // deadlock detected
    [InlineData("40001")] // serialization failure
    [InlineData("55P03")] // lock not available
    public Task A_write_that_loses_to_concurrent_writes_on_every_attempt_is_a_503_problem_logged_once(string sqlState) =>
        AssertStoreRaisingAsync(sqlState, HttpStatusCode.ServiceUnavailable);

    /// <summary>Stores a letter whose insert raises <paramref name="sqlState"/>: the answer, nothing stored, one warning.</summary>
    private async Task AssertStoreRaisingAsync(string sqlState, HttpStatusCode status)
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await Target.ExecuteAsync(database, """
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'refused by the test' USING ERRCODE = substr(NEW.document_name, 8);
            END
            $$;
            CREATE TRIGGER refuse BEFORE INSERT ON letters FOR EACH ROW WHEN (NEW.document_name LIKE 'refuse-%') EXECUTE FUNCTION refuse();
            """);

        await using var api = LettersApiFactory.For(database);
        using var writer = api.CreateWriter();

        using var response = await writer.PostAsJsonAsync("/api/letters", Letter($"refuse-{sqlState}"));

        await AssertProblemAsync(response, status);
        Assert.Empty(await LettersDatabase.LetterIdsAsync(database));
        Assert.Single(api.Logged.Entries, entry => entry.Level >= LogLevel.Warning && entry.Message.Contains("refused by the test", StringComparison.Ordinal));
    }
}
