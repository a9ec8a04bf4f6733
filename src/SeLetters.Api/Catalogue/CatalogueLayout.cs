using DuckDB.NET.Data;
using SeLetters.Data;

namespace SeLetters.Api.Catalogue;

/// <summary>
/// Where each field of <see cref="CatalogueProduct"/> is in one catalogue file. Older files name the columns in upper
/// case, newer ones in lower case with three renames; the names come from the file's own information_schema, matched
/// against the known names below, so no name from a request ever reaches the SQL.
/// </summary>
internal sealed class CatalogueLayout
{
    /// <summary>The fields in <see cref="CatalogueProduct"/> order, each with the names it has had.</summary>
    public static readonly string[][] Fields =
    [
        ["product_identifier"], ["product_type"], ["product_description"], ["brand_code"], ["brand_label"],
        ["range_code"], ["range_label"], ["subrange_code"], ["subrange_label"], ["devicetype_code"], ["devicetype_label"],
        ["is_schneider_brand"], ["serviceable"], ["traceable"], ["commercial_status"],
        ["end_of_production_date"], ["end_of_commercialisation"], ["service_obsolescence_date", "service_obsolecense_date"],
        ["end_of_service_date"], ["average_life_duration_years", "average_life_duration_in_years"], ["service_business_value"],
        ["warranty_duration_months", "warranty_duration_in_months"], ["include_installation_services"],
        ["relevant_for_ip_creation"], ["pl_services"], ["connectable"], ["gdp"], ["bu_pm0_node"], ["bu_label"],
    ];

    private readonly Dictionary<string, string> _columns;

    private CatalogueLayout(Dictionary<string, string> columns) => _columns = columns;

    /// <summary>The layout of the file's <c>products</c> table.</summary>
    /// <exception cref="CatalogueUnavailableException">The table has no product identifier, or columns a field cannot be told apart by.</exception>
    public static async Task<CatalogueLayout> ReadAsync(DuckDBConnection connection)
    {
        await using var command = CatalogueSql.Columns(connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<string>();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return From(columns);
    }

    /// <summary>The layout of a <c>products</c> table with these columns.</summary>
    /// <exception cref="CatalogueUnavailableException">No product identifier, or a field whose name matches several columns.</exception>
    public static CatalogueLayout From(IEnumerable<string> tableColumns)
    {
        // DuckDB resolves names without regard to case, and a table made from a data frame (CREATE TABLE AS SELECT)
        // can still hold "RANGE_LABEL" and "range_label": which one a query reads would be DuckDB's guess.
        var byLowerName = tableColumns.ToLookup(c => c.ToLowerInvariant());
        var columns = new Dictionary<string, string>();
        foreach (var names in Fields)
        {
            if (names.Select(name => byLowerName[name].ToList()).FirstOrDefault(found => found.Count > 0) is not { } found)
            {
                continue;
            }

            columns[names[0]] = found.Count == 1
                ? SqlIdentifier.Quote(found[0])
                : throw new CatalogueUnavailableException(
                    $"The catalogue's products table has columns whose names differ only in case ({string.Join(", ", found)}), which a query cannot tell apart.");
        }

        return columns.ContainsKey("product_identifier")
            ? new CatalogueLayout(columns)
            : throw new CatalogueUnavailableException("The catalogue file has no products table with a product identifier.");
    }

    /// <summary>The quoted column of a field, or NULL when this file lacks it.</summary>
    public string Column(string field) => _columns.GetValueOrDefault(field, "NULL");

    /// <summary>Every field as text, in <see cref="Fields"/> order: one reader for every column type of every version.</summary>
    public string SelectList => string.Join(", ", Fields.Select(names => $"CAST({Column(names[0])} AS VARCHAR)"));
}
