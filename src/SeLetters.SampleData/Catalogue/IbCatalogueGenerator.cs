using DuckDB.NET.Data;
using static SeLetters.SampleData.DuckDbStatements;

namespace SeLetters.SampleData.Catalogue;

/// <summary>
/// Writes a small, realistic IBcatalogue.duckdb: the same seed gives the same products, so tests can name them.
/// Identifiers follow the real ranges' patterns (LC1D09M7, SEPED303001, NW16H1, ...).
/// </summary>
public static class IbCatalogueGenerator
{
    public const int DefaultSeed = 20261125;

    /// <summary>Products every generated catalogue holds, whatever its size: the two real rows of the reference and common ones.</summary>
    public static readonly IReadOnlyList<string> WellKnownIdentifiers =
        ["AAA_RM6_NE_IQI", "AAA10094", "LC1D09M7", "LC1D12BD", "SEPED303001", "NW16H1", "G6T500KVA", "PIX12B1250"];

    /// <summary>The catalogue's "no end date".</summary>
    public static readonly DateTime NoEndDate = new(4000, 12, 31);

    private static readonly Family[] Families =
    [
        new("TeSys D", 1301, "TeSys D contactors", "DEVTYP000012", "LV control - contactor", "INDUSTRIAL AUTOMATION", 190790,
            random => $"LC1D{Pick(random, "09", "12", "18", "25", "32", "38", "40A", "50A", "65A", "80", "95", "115", "150")}{Pick(random, "M7", "F7", "P7", "B7", "BD", "FD", "MD", "E7", "Q7", "U7", "JD", "ED")}",
            id => $"TeSys D contactor {id[4..]} 3P AC-3"),
        new("Sepam", 1042, "Sepam series 20", "DEVTYP000101", "MV protection - protection relay", "POWER SYSTEMS", 190789,
            random => $"SEPED{random.Next(300000, 310000)}",
            id => $"Sepam protection relay base unit {id[5..]}"),
        new("Galaxy 6000", 2207, null, "DEVTYP000150", "UPS - three-phase UPS", "SECURE POWER", 190791,
            random => $"G6T{Pick(random, "250", "300", "400", "500", "600", "800")}{Pick(random, "KVA", "KVAP", "KVAS")}{random.Next(10, 99)}",
            id => $"Galaxy 6000 UPS {id[3..6]} kVA module"),
        new("PIX", 980, "PIX 24", "DEVTYP000070", "MV equipment - air insulated switchgear", "POWER SYSTEMS", 190789,
            random => $"PIX{Pick(random, "12", "17", "24")}{Pick(random, "B", "C", "D")}{Pick(random, "630", "1250", "2500", "3150")}{random.Next(0, 10)}",
            id => $"PIX switchgear panel {id[3..]}"),
        new("RM6", 967, null, "DEVTYP000068", "MV equipment - MV ring main unit (RMU)", "POWER SYSTEMS", 190789,
            random => $"AAA_RM6_{Pick(random, "NE", "RE", "DE")}_{Pick(random, "IQI", "IIDI", "QIQ", "IBI", "BIB")}{random.Next(1, 99)}",
            id => $"FIX BOM RM6 {id[8..]}"),
        new("Masterpact", 1120, "Masterpact NW", "DEVTYP000020", "LV power - air circuit breaker", "ENERGY MANAGEMENT", 190792,
            random => $"{Pick(random, "NW", "NT", "MTZ2")}{Pick(random, "08", "10", "12", "16", "20", "25", "32", "40")}{Pick(random, "H1", "H2", "H3", "N1", "L1")}{Pick(random, "", "D", "F", "E")}",
            id => $"Masterpact circuit breaker {id}"),
    ];

    private static readonly string[] Statuses =
        ["08-Commercialised", "08-Commercialised", "12-Transferred", "16-Phased out", "18-End of commercialization", "19-end of commercialization block"];

    private static readonly string[] PlServices = ["SPIBS", "PSIBS", "DPIBS", "IDIBS", "PPIBS"];

    /// <summary>Writes the catalogue at <paramref name="path"/>, replacing any file there only once it is complete.</summary>
    public static void Write(string path, int productCount = 5000, CatalogueColumnLayout layout = CatalogueColumnLayout.LowerCaseV2, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(productCount, WellKnownIdentifiers.Count);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = temporary }.ConnectionString))
            {
                connection.Open();
                Execute(connection, StagingTable);
                using (var appender = connection.CreateAppender("staging"))
                {
                    foreach (var row in Generate(productCount, seed))
                    {
                        Append(appender, row);
                    }
                }

                Execute(connection, layout == CatalogueColumnLayout.UpperCaseV1 ? UpperCaseV1Table : LowerCaseV2Table);
                Execute(connection, "DROP TABLE staging");
                Execute(connection, "CHECKPOINT");
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(temporary + ".wal");
        }
    }

    /// <summary>Writes a default catalogue at <paramref name="path"/> unless a file is already there.</summary>
    public static void EnsureExists(string path)
    {
        if (!File.Exists(path))
        {
            Write(path);
        }
    }

    internal static IEnumerable<CatalogueProductRow> Generate(int productCount, int seed)
    {
        var random = new Random(seed);
        var identifiers = new HashSet<string>();
        foreach (var identifier in WellKnownIdentifiers)
        {
            identifiers.Add(identifier);
            yield return Row(random, identifier, FamilyOf(identifier));
        }

        var misses = 0;
        var exhausted = false;
        while (identifiers.Count < productCount)
        {
            // About 1.4 % of the real rows have no range: other brands' parts.
            var family = random.NextDouble() < 0.014 ? null : Families[random.Next(Families.Length)];
            var identifier = family?.NextIdentifier(random) ?? $"AAA{random.Next(10000, 99999)}";
            // The patterns hold about 100,000 identifiers, the real catalogue 342,000: once they are used up, numbered
            // variants make the rest unique (smaller catalogues never get there, so they stay as they were).
            if (exhausted)
            {
                identifier += $"-{identifiers.Count}";
            }

            if (identifiers.Add(identifier))
            {
                misses = 0;
                yield return Row(random, identifier, family);
            }
            else
            {
                exhausted |= ++misses > 1000;
            }
        }
    }

    private static Family? FamilyOf(string identifier) => identifier switch
    {
        "AAA10094" => null,
        _ when identifier.StartsWith("AAA_RM6", StringComparison.Ordinal) => Families.Single(f => f.RangeLabel == "RM6"),
        _ when identifier.StartsWith("LC1D", StringComparison.Ordinal) => Families.Single(f => f.RangeLabel == "TeSys D"),
        _ when identifier.StartsWith("SEP", StringComparison.Ordinal) => Families.Single(f => f.RangeLabel == "Sepam"),
        _ when identifier.StartsWith("G6T", StringComparison.Ordinal) => Families.Single(f => f.RangeLabel == "Galaxy 6000"),
        _ when identifier.StartsWith("PIX", StringComparison.Ordinal) => Families.Single(f => f.RangeLabel == "PIX"),
        _ => Families.Single(f => f.RangeLabel == "Masterpact"),
    };

    private static CatalogueProductRow Row(Random random, string identifier, Family? family)
    {
        var status = Statuses[random.Next(Statuses.Length)];
        var commercialised = status.StartsWith("08", StringComparison.Ordinal);
        var endOfProduction = commercialised ? NoEndDate : new DateTime(2015, 1, 1).AddDays(random.Next(0, 365 * 10));
        DateTime Later(int maxDays) => commercialised ? NoEndDate : endOfProduction.AddDays(random.Next(30, maxDays));
        var schneider = family is not null;
        return new CatalogueProductRow(
            identifier,
            "CR",
            family?.Describe(identifier) ?? $"1 CURRENT SENSOR TLP{random.Next(100, 999)} {random.Next(1, 40) * 50}A",
            schneider ? "SCHNEIDERELECTRIC" : "SEMARELECTRIC",
            schneider ? "Schneider Electric" : "SEMAR Electric",
            family?.RangeCode,
            family?.RangeLabel,
            family?.SubrangeLabel is null ? null : $"SR{family.RangeCode}{random.Next(1, 4)}",
            family?.SubrangeLabel,
            family?.DevicetypeCode ?? "DEVTYP000191",
            family?.DevicetypeLabel ?? "Transformer - current transformer",
            schneider,
            schneider,
            schneider && random.Next(3) > 0,
            status,
            endOfProduction,
            Later(365),
            Later(365 * 3),
            Later(365 * 10),
            random.Next(3) == 0 ? null : Pick(random, 10, 15, 20, 25, 30),
            random.Next(4) == 0 ? null : Pick(random, "Low", "Medium", "High"),
            random.Next(2) == 0 ? null : Pick(random, 12, 18, 24, 36),
            random.Next(3) == 0 ? null : random.Next(2) == 0,
            random.Next(5) > 0,
            PlServices[random.Next(PlServices.Length)],
            Pick(random, "WITH_UPGRADE", "NOT_CONNECTABLE", "CONNECTABLE"),
            $"{random.Next(100000, 999999)}",
            family?.BuPm0Node ?? 190789,
            family?.BuLabel ?? "POWER SYSTEMS");
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];

    private static void Append(DuckDBAppender appender, CatalogueProductRow row) => appender.CreateRow()
        .AppendValue(row.ProductIdentifier).AppendValue(row.ProductType).AppendValue(row.ProductDescription)
        .AppendValue(row.BrandCode).AppendValue(row.BrandLabel).AppendValue(row.RangeCode).AppendValue(row.RangeLabel)
        .AppendValue(row.SubrangeCode).AppendValue(row.SubrangeLabel).AppendValue(row.DevicetypeCode).AppendValue(row.DevicetypeLabel)
        .AppendValue(row.IsSchneiderBrand).AppendValue(row.Serviceable).AppendValue(row.Traceable).AppendValue(row.CommercialStatus)
        .AppendValue(row.EndOfProductionDate).AppendValue(row.EndOfCommercialisation).AppendValue(row.ServiceObsolescenceDate)
        .AppendValue(row.EndOfServiceDate).AppendValue(row.AverageLifeDurationYears).AppendValue(row.ServiceBusinessValue)
        .AppendValue(row.WarrantyDurationMonths).AppendValue(row.IncludeInstallationServices).AppendValue(row.RelevantForIpCreation)
        .AppendValue(row.PlServices).AppendValue(row.Connectable).AppendValue(row.Gdp).AppendValue(row.BuPm0Node).AppendValue(row.BuLabel)
        .EndRow();

    private const string StagingTable = """
        CREATE TABLE staging (
            product_identifier VARCHAR, product_type VARCHAR, product_description VARCHAR, brand_code VARCHAR, brand_label VARCHAR,
            range_code INTEGER, range_label VARCHAR, subrange_code VARCHAR, subrange_label VARCHAR, devicetype_code VARCHAR,
            devicetype_label VARCHAR, is_schneider_brand BOOLEAN, serviceable BOOLEAN, traceable BOOLEAN, commercial_status VARCHAR,
            end_of_production_date TIMESTAMP, end_of_commercialisation TIMESTAMP, service_obsolescence_date TIMESTAMP,
            end_of_service_date TIMESTAMP, average_life_duration_years INTEGER, service_business_value VARCHAR,
            warranty_duration_months INTEGER, include_installation_services BOOLEAN, relevant_for_ip_creation BOOLEAN,
            pl_services VARCHAR, connectable VARCHAR, gdp VARCHAR, bu_pm0_node INTEGER, bu_label VARCHAR)
        """;

    // Built as the original was (CREATE TABLE ... AS SELECT from a data frame): codes and lifetimes DOUBLE, flags 'Y'/'N'.
    private const string UpperCaseV1Table = """
        CREATE TABLE products AS SELECT
            product_identifier AS "PRODUCT_IDENTIFIER", product_type AS "PRODUCT_TYPE", product_description AS "PRODUCT_DESCRIPTION",
            brand_code AS "BRAND_CODE", brand_label AS "BRAND_LABEL", CAST(range_code AS DOUBLE) AS "RANGE_CODE",
            range_label AS "RANGE_LABEL", subrange_code AS "SUBRANGE_CODE", subrange_label AS "SUBRANGE_LABEL",
            devicetype_code AS "DEVICETYPE_CODE", devicetype_label AS "DEVICETYPE_LABEL",
            CASE WHEN is_schneider_brand THEN 'Y' WHEN NOT is_schneider_brand THEN 'N' END AS "IS_SCHNEIDER_BRAND",
            CASE WHEN serviceable THEN 'Y' WHEN NOT serviceable THEN 'N' END AS "SERVICEABLE",
            CASE WHEN traceable THEN 'Y' WHEN NOT traceable THEN 'N' END AS "TRACEABLE",
            commercial_status AS "COMMERCIAL_STATUS", end_of_production_date AS "END_OF_PRODUCTION_DATE",
            end_of_commercialisation AS "END_OF_COMMERCIALISATION", service_obsolescence_date AS "SERVICE_OBSOLECENSE_DATE",
            end_of_service_date AS "END_OF_SERVICE_DATE", CAST(average_life_duration_years AS DOUBLE) AS "AVERAGE_LIFE_DURATION_IN_YEARS",
            service_business_value AS "SERVICE_BUSINESS_VALUE", CAST(warranty_duration_months AS DOUBLE) AS "WARRANTY_DURATION_IN_MONTHS",
            CASE WHEN include_installation_services THEN 'Y' WHEN NOT include_installation_services THEN 'N' END AS "INCLUDE_INSTALLATION_SERVICES",
            CASE WHEN relevant_for_ip_creation THEN 'Y' WHEN NOT relevant_for_ip_creation THEN 'N' END AS "RELEVANT_FOR_IP_CREATION",
            pl_services AS "PL_SERVICES", connectable AS "CONNECTABLE", gdp AS "GDP", CAST(bu_pm0_node AS DOUBLE) AS "BU_PM0_NODE",
            bu_label AS "BU_LABEL"
        FROM staging ORDER BY product_identifier;
        CREATE INDEX idx_product_id ON products ("PRODUCT_IDENTIFIER");
        CREATE INDEX idx_range_label ON products ("RANGE_LABEL");
        CREATE INDEX idx_commercial_status ON products ("COMMERCIAL_STATUS");
        CREATE INDEX idx_range_status ON products ("RANGE_LABEL", "COMMERCIAL_STATUS");
        """;

    private const string LowerCaseV2Table = """
        CREATE TABLE products AS SELECT
            product_identifier, product_type, product_description, brand_code, brand_label,
            CAST(range_code AS VARCHAR) AS range_code, range_label, subrange_code, subrange_label, devicetype_code, devicetype_label,
            is_schneider_brand, serviceable, traceable, commercial_status,
            strftime(end_of_production_date, '%Y-%m-%d %H:%M:%S') AS end_of_production_date,
            strftime(end_of_commercialisation, '%Y-%m-%d %H:%M:%S') AS end_of_commercialisation,
            strftime(service_obsolescence_date, '%Y-%m-%d %H:%M:%S') AS service_obsolescence_date,
            strftime(end_of_service_date, '%Y-%m-%d %H:%M:%S') AS end_of_service_date,
            average_life_duration_years, service_business_value, warranty_duration_months, include_installation_services,
            relevant_for_ip_creation, pl_services, connectable, gdp, CAST(bu_pm0_node AS VARCHAR) AS bu_pm0_node, bu_label,
            lower(range_label) AS range_label_norm, lower(brand_label) AS brand_label_norm,
            lower(product_description) AS product_description_norm,
            TIMESTAMP '2026-01-01 00:00:00' AS created_at, '2.0' AS database_version
        FROM staging ORDER BY product_identifier;
        CREATE INDEX idx_product_id ON products (product_identifier);
        CREATE INDEX idx_range_label ON products (range_label);
        CREATE INDEX idx_commercial_status ON products (commercial_status);
        CREATE INDEX idx_range_status ON products (range_label, commercial_status);
        """;

    private sealed record Family(
        string RangeLabel, int RangeCode, string? SubrangeLabel, string DevicetypeCode, string DevicetypeLabel, string BuLabel,
        int BuPm0Node, Func<Random, string> NextIdentifier, Func<string, string> Describe);
}
