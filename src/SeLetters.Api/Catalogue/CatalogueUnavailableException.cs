namespace SeLetters.Api.Catalogue;

/// <summary>The catalogue file is not configured, missing, or not a readable IBcatalogue; answered with 503.</summary>
public sealed class CatalogueUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
