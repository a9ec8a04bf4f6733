using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SeLetters.Api.Catalogue;
using SeLetters.Api.Models;

namespace SeLetters.Api.Apis;

internal static class CatalogueApi
{
    public static RouteGroupBuilder MapCatalogueApi(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/catalogue/products").WithTags("Catalogue")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        products.MapGet("/", SearchProducts)
            .WithName("SearchCatalogueProducts")
            .WithSummary("Search the IBcatalogue by identifier or description, range and subrange");
        products.MapGet("/{product_identifier}", GetProduct)
            .WithName("GetCatalogueProduct")
            .WithSummary("One IBcatalogue product");

        return products;
    }

    private static async Task<Results<Ok<PagedResult<CatalogueProduct>>, ValidationProblem>> SearchProducts(
        [AsParameters] CatalogueSearchQuery query, CatalogueReader catalogue, CancellationToken cancellationToken)
    {
        var errors = query.Validate();
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await catalogue.SearchAsync(query, cancellationToken));
    }

    private static async Task<Results<Ok<CatalogueProduct>, NotFound>> GetProduct(
        [FromRoute(Name = "product_identifier")] string productIdentifier, CatalogueReader catalogue, CancellationToken cancellationToken) =>
        await catalogue.GetAsync(productIdentifier, cancellationToken) is { } product ? TypedResults.Ok(product) : TypedResults.NotFound();
}
