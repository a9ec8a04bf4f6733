using System.Text.Json;
using Scalar.AspNetCore;
using SeLetters.Data;

namespace SeLetters.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<LettersDbContext>("lettersdb",
            configureDbContextOptions: options => options.UseLettersConventions());

        builder.Services.AddProblemDetails();

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
