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

    /// <summary>The layout of a <c>products</c> table with these columns, or null when it has no product identifier.</summary>
    public static CatalogueLayout? From(IEnumerable<string> tableColumns)
    {
        var byLowerName = tableColumns.ToDictionary(c => c.ToLowerInvariant(), c => c);
        var columns = new Dictionary<string, string>();
        foreach (var names in Fields)
        {
            if (names.Select(byLowerName.GetValueOrDefault).FirstOrDefault(c => c is not null) is { } column)
            {
                columns[names[0]] = SqlIdentifier.Quote(column);
            }
        }

        return columns.ContainsKey("product_identifier") ? new CatalogueLayout(columns) : null;
    }

    /// <summary>The quoted column of a field, or NULL when this file lacks it.</summary>
    public string Column(string field) => _columns.GetValueOrDefault(field, "NULL");

    /// <summary>Every field as text, in <see cref="Fields"/> order: one reader for every column type of every version.</summary>
    public string SelectList => string.Join(", ", Fields.Select(names => $"CAST({Column(names[0])} AS VARCHAR)"));
}
