namespace SeLetters.Api.Apis;

internal static class ApiKeyApi
{
    /// <summary>Lets a client (the web app's sign-in) check a key without writing anything.</summary>
    public static RouteHandlerBuilder MapApiKeyApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/key", () => TypedResults.NoContent())
            .RequireAuthorization()
            .WithTags("Authentication")
            .WithName("CheckApiKey")
            .WithSummary("204 when X-Api-Key holds this server's key; 401 without a key, 403 with a wrong one")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
