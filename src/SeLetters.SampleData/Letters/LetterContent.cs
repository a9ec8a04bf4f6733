namespace SeLetters.SampleData.Letters;

internal sealed record ProductContent(
    string Identifier, string Range, string Subrange, string Line, string Description, string Status, string EndOfService, string Replacements);

/// <summary>Realistic content of one obsolescence letter, drawn from a seeded <see cref="Random"/>.</summary>
internal sealed record LetterContent(string DocumentName, string DocumentType, string Title, string Date, string Language, ProductContent[] Products)
{
    internal static readonly string[] Prefixes = ["LC1D", "ATV", "TM2", "XB4", "GV2", "METSE", "PM5", "VX4", "NSX", "LV4"];

    private static readonly string[] Ranges = ["TeSys D", "Altivar 61", "Modicon M340", "Harmony XB4", "PowerLogic PM5000", "ComPacT NSX", "Masterpact NT", "Galaxy 3500", "Sepam série 20", "Easergy P3"];

    private static readonly string[] Lines = ["PPIBS", "IDPAS", "IDIBS", "PSIBS", "DPIBS", "SPIBS"];

    private static readonly string[] Statuses = ["obsolete", "end_of_commercialization", "end_of_service", "withdrawn"];

    private static readonly string[] Types = ["obsolescence_letter", "product_withdrawal_notice", "end_of_service_notification", "lettre_de_fin_de_commercialisation"];

    private static readonly string[] Languages = ["en", "fr", "de", "es"];

    internal static readonly string[] Notes =
    [
        "The products listed above will no longer be manufactured after the announced date; existing orders will be honoured.",
        "Les produits mentionnés ci-dessus ne seront plus fabriqués ; les commandes en cours seront honorées.",
        "Die oben genannten Produkte werden nach dem angekündigten Datum nicht mehr hergestellt – Ersatzteile bleiben verfügbar.",
        "Los productos indicados dejarán de fabricarse; el servicio técnico seguirá disponible durante 5 años.",
        "Customers are advised to contact their local \"Schneider Electric\" representative for a migration study.",
        "Recommended replacement offers provide equivalent or better performance (≥ 98 % efficiency, IEC 61439-compliant).",
        "Note: the customer's installed base in the 'Île-de-France' region was reviewed by the field services team.",
        "Repair services are offered until the end of service date; after that date, repairs are made on a best-effort basis.",
    ];

    public static LetterContent Create(Random random, int index, LettersSampleOptions options)
    {
        var range = Pick(random, Ranges);
        var type = Pick(random, Types);
        var date = new DateOnly(2015, 1, 1).AddDays(random.Next(0, 3650)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var products = new ProductContent[Math.Max(1, options.ProductsPerLetter)];
        for (var k = 0; k < products.Length; k++)
        {
            products[k] = RandomProduct(random, range);
        }

        return new LetterContent(
            $"{range.Replace(' ', '_')}_{type}_{index + 1:D6}.pdf",
            type,
            $"{range} – End of commercialization of \"{products[0].Identifier}\" and related references",
            date,
            Pick(random, Languages),
            products);
    }

    public static ProductContent RandomProduct(Random random, string? range = null)
    {
        range ??= Pick(random, Ranges);
        var identifier = $"{Pick(random, Prefixes)}{random.Next(10, 999)}{(char)('A' + random.Next(26))}{random.Next(1, 9)}";
        var endOfService = random.Next(5) switch
        {
            0 => "",
            1 => "Q4 2026",
            _ => new DateOnly(2020, 1, 1).AddDays(random.Next(0, 3650)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        return new ProductContent(
            identifier,
            range,
            $"{range} {Pick(random, ["standard", "advanced", "compact", "évolution"])}",
            Pick(random, Lines),
            $"{range} – {identifier}: contactor / drive module, 24 V DC, IP20; \"legacy\" reference",
            Pick(random, Statuses),
            endOfService,
            $"{Pick(random, Prefixes)}{random.Next(10, 999)}, {Pick(random, Prefixes)}{random.Next(10, 999)}");
    }

    public static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];
}
