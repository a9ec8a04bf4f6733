using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using SeLetters.Api.Extensions;

namespace SeLetters.Api.Catalogue;

/// <summary>
/// The statements the reader runs on a catalogue file, written for its <see cref="CatalogueLayout"/>, and the reading of
/// their rows into <see cref="CatalogueProduct"/>. Every value from a request is a parameter.
/// </summary>
internal static class CatalogueSql
{
    /// <summary>The columns of the <c>products</c> table the other statements read (the connection's default schema).</summary>
    public static DbCommand Columns(DuckDBConnection connection) => Command(connection,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'products' AND table_schema = current_schema() AND table_catalog = current_database()");

    public static DbCommand CountAll(DuckDBConnection connection) => Command(connection, "SELECT count(*) FROM products");

    public static DbCommand Identifiers(DuckDBConnection connection, CatalogueLayout layout) =>
        Command(connection, $"SELECT CAST({layout.Column("product_identifier")} AS VARCHAR) FROM products");

    public static DbCommand ByIdentifiers(DuckDBConnection connection, CatalogueLayout layout, IReadOnlyCollection<string> identifiers) =>
        Command(connection,
            $"SELECT {layout.SelectList} FROM products WHERE {layout.Column("product_identifier")} IN ({string.Join(", ", identifiers.Select(_ => "?"))})",
            identifiers);

    /// <summary>The count of a search's matches, and its page in identifier order.</summary>
    public static (DbCommand Count, DbCommand Page) Search(DuckDBConnection connection, CatalogueLayout layout, CatalogueSearchQuery query, int page, int limit)
    {
        var conditions = new List<string>();
        var parameters = new List<object>();
        if (!string.IsNullOrEmpty(query.Q))
        {
            conditions.Add($@"({layout.Column("product_identifier")} ILIKE ? ESCAPE '\' OR {layout.Column("product_description")} ILIKE ? ESCAPE '\')");
            parameters.Add(LikePattern.Contains(query.Q));
            parameters.Add(LikePattern.Contains(query.Q));
        }

        if (!string.IsNullOrEmpty(query.Range))
        {
            conditions.Add($"lower({layout.Column("range_label")}) = lower(?)");
            parameters.Add(query.Range);
        }

        if (!string.IsNullOrEmpty(query.Subrange))
        {
            conditions.Add($"lower({layout.Column("subrange_label")}) = lower(?)");
            parameters.Add(query.Subrange);
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        return (Command(connection, $"SELECT count(*) FROM products {where}", parameters),
            Command(connection, $"SELECT {layout.SelectList} FROM products {where} ORDER BY {layout.Column("product_identifier")} LIMIT ? OFFSET ?",
                [.. parameters, limit, (long)(page - 1) * limit]));
    }

    /// <summary>The rows of a statement that selects <see cref="CatalogueLayout.SelectList"/>.</summary>
    public static async Task<List<CatalogueProduct>> ReadProductsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var products = new List<CatalogueProduct>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            var field = 0;
            products.Add(new CatalogueProduct
            {
                ProductIdentifier = Text(field++)!,
                ProductType = Text(field++),
                ProductDescription = Text(field++),
                BrandCode = Text(field++),
                BrandLabel = Text(field++),
                RangeCode = Code(Text(field++)),
                RangeLabel = Text(field++),
                SubrangeCode = Text(field++),
                SubrangeLabel = Text(field++),
                DevicetypeCode = Text(field++),
                DevicetypeLabel = Text(field++),
                IsSchneiderBrand = Flag(Text(field++)),
                Serviceable = Flag(Text(field++)),
                Traceable = Flag(Text(field++)),
                CommercialStatus = Text(field++),
                EndOfProductionDate = Date(Text(field++)),
                EndOfCommercialisation = Date(Text(field++)),
                ServiceObsolescenceDate = Date(Text(field++)),
                EndOfServiceDate = Date(Text(field++)),
                AverageLifeDurationYears = Number(Text(field++)),
                ServiceBusinessValue = Text(field++),
                WarrantyDurationMonths = Number(Text(field++)),
                IncludeInstallationServices = Flag(Text(field++)),
                RelevantForIpCreation = Flag(Text(field++)),
                PlServices = Text(field++),
                Connectable = Text(field++),
                Gdp = Text(field++),
                BuPm0Node = Code(Text(field++)),
                BuLabel = Text(field++),
            });
        }

        return products;
    }

    private static DbCommand Command(DuckDBConnection connection, string sql, IEnumerable<object>? parameters = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var value in parameters ?? [])
        {
            command.Parameters.Add(new DuckDBParameter(value));
        }

        return command;
    }

    /// <summary>'Y'/'N' in the first version, BOOLEAN (cast to 'true'/'false') in the second.</summary>
    private static bool? Flag(string? text) => text switch
    {
        "Y" or "true" => true,
        "N" or "false" => false,
        _ => null,
    };

    /// <summary>The first version stores codes as DOUBLE ("967.0"), the second as text ("967").</summary>
    private static string? Code(string? text) =>
        text is not null && text.EndsWith(".0", StringComparison.Ordinal) ? text[..^2] : text;

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>TIMESTAMP in the first version, text in the second; 4000-12-31 stands for "no end date".</summary>
    private static DateOnly? Date(string? text) =>
        text is { Length: >= 10 } && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year < 4000
            ? date
            : null;
}
