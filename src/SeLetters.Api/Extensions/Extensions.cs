using System.Text.Json;
using Scalar.AspNetCore;
using SeLetters.Api.Catalogue;
using SeLetters.Api.Errors;
using SeLetters.Api.Letters;
using SeLetters.Api.Security;
using SeLetters.Data;

namespace SeLetters.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The pool size is the connection string's "Maximum Pool Size" (Npgsql's default: 100).
        builder.AddNpgsqlDbContext<LettersDbContext>("lettersdb",
            configureDbContextOptions: options => options.UseLettersConventions());
        builder.Services.AddScoped<LetterStore>();

        builder.Services.AddOptions<CatalogueOptions>().BindConfiguration(CatalogueOptions.Section);
        builder.Services.AddSingleton<CatalogueReader>();
        builder.Services.AddHealthChecks().AddCheck<CatalogueHealthCheck>("catalogue");

        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section);

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

        // Existing clients read the seed's snake_case names (document_name, total_letters, ...).
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

        builder.Services.AddOpenApi();
    }

    /// <summary>The OpenAPI document at /openapi/v1.json, and in Development its Scalar UI at /scalar.</summary>
    public static void MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }
    }
}
