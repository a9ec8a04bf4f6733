namespace SeLetters.Api.Catalogue;

/// <summary>
/// One IBcatalogue product, the same whichever column layout the file has: names are the newer (lower-case) ones,
/// flags are booleans, codes are text, and the catalogue's "no end date" (4000-12-31) is null.
/// </summary>
public sealed record CatalogueProduct
{
    public required string ProductIdentifier { get; init; }
    public string? ProductType { get; init; }
    public string? ProductDescription { get; init; }
    public string? BrandCode { get; init; }
    public string? BrandLabel { get; init; }
    public string? RangeCode { get; init; }
    public string? RangeLabel { get; init; }
    public string? SubrangeCode { get; init; }
    public string? SubrangeLabel { get; init; }
    public string? DevicetypeCode { get; init; }
    public string? DevicetypeLabel { get; init; }
    public bool? IsSchneiderBrand { get; init; }
    public bool? Serviceable { get; init; }
    public bool? Traceable { get; init; }
    public string? CommercialStatus { get; init; }
    public DateOnly? EndOfProductionDate { get; init; }
    public DateOnly? EndOfCommercialisation { get; init; }
    public DateOnly? ServiceObsolescenceDate { get; init; }
    public DateOnly? EndOfServiceDate { get; init; }
    public double? AverageLifeDurationYears { get; init; }
    public string? ServiceBusinessValue { get; init; }
    public double? WarrantyDurationMonths { get; init; }
    public bool? IncludeInstallationServices { get; init; }
    public bool? RelevantForIpCreation { get; init; }
    public string? PlServices { get; init; }
    public string? Connectable { get; init; }
    public string? Gdp { get; init; }
    public string? BuPm0Node { get; init; }
    public string? BuLabel { get; init; }
}
