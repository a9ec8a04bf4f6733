using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Api;

public sealed class ConnectionTuningTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Requests_use_prepared_statements_and_skip_the_pool_reset_unless_the_connection_string_says_otherwise()
    {
        await using var api = LettersApiFactory.For(await postgres.CreateMigratedDatabaseAsync());

        var tuned = EffectiveConnectionString(api);

        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.True(tuned.NoResetOnClose);
        Assert.Contains("-c jit=off", tuned.Options);
    }

    [Fact]
    public async Task Settings_written_in_the_connection_string_are_kept()
    {
        var written = new NpgsqlConnectionStringBuilder(await postgres.CreateMigratedDatabaseAsync())
        {
            MaxAutoPrepare = 0,
            NoResetOnClose = false,
            MaxPoolSize = LettersApiFactory.MaxPoolSize,
        }.ConnectionString;
        await using var api = LettersApiFactory.For(written, ("ConnectionStrings:lettersdb", written));

        var tuned = EffectiveConnectionString(api);

        Assert.Equal(0, tuned.MaxAutoPrepare);
        Assert.False(tuned.NoResetOnClose);
    }

    private static NpgsqlConnectionStringBuilder EffectiveConnectionString(LettersApiFactory api) =>
        new(api.Services.GetRequiredService<IConfiguration>().GetConnectionString("lettersdb"));
}
