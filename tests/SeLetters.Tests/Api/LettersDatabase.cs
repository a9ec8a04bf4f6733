using SeLetters.Tests.Infrastructure;

namespace SeLetters.Tests.Api;

/// <summary>A test's letters database, read and written directly, beside the API.</summary>
public static class LettersDatabase
{
    private const string FingerprintSql = """
        SELECT concat_ws(' ',
            (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text || t.xmin::text, '|' ORDER BY id)), '') FROM letters t),
            (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text || t.xmin::text, '|' ORDER BY id)), '') FROM letter_products t),
            (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text || t.xmin::text, '|' ORDER BY id)), '') FROM letter_product_matches t),
            (SELECT count(*) || ':' || coalesce(md5(string_agg(t::text || t.xmin::text, '|' ORDER BY id)), '') FROM processing_debug t))
        """;

    /// <summary>The rows of the four letter tables, and who wrote them last (xmin): equal before and after a request that wrote nothing.</summary>
    public static Task<string> FingerprintAsync(string connectionString) => Target.ScalarAsync<string>(connectionString, FingerprintSql);

    /// <summary>The ids of every stored letter.</summary>
    public static async Task<List<int>> LetterIdsAsync(string connectionString) =>
        [.. (await Target.StringsAsync(connectionString, "SELECT id::text FROM letters ORDER BY id")).Select(int.Parse)];
}
