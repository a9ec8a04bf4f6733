namespace SeLetters.SampleData.Catalogue;

/// <summary>The two versions of the IBcatalogue <c>products</c> table (see docs: ibcatalogue.md).</summary>
public enum CatalogueColumnLayout
{
    /// <summary>29 upper-case columns; flags 'Y'/'N', dates TIMESTAMP, codes and lifetimes DOUBLE.</summary>
    UpperCaseV1,

    /// <summary>34 lower-case columns; flags BOOLEAN, dates and codes VARCHAR, lifetimes INTEGER, three renames, five added.</summary>
    LowerCaseV2,
}
