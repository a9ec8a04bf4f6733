using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SeLetters.Api.Models;

namespace SeLetters.Api.Apis;

/// <summary>Declares the ETag header of every answer that is a letter (GET, PATCH, PUT): the version If-Match takes.</summary>
internal sealed class LetterVersionOpenApiTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var answersLetter = context.Description.SupportedResponseTypes
            .Any(response => response.StatusCode == StatusCodes.Status200OK && response.Type == typeof(LetterDocument));
        if (answersLetter && operation.Responses?.GetValueOrDefault("200") is OpenApiResponse ok)
        {
            ok.Headers ??= new Dictionary<string, IOpenApiHeader>();
            ok.Headers["ETag"] = new OpenApiHeader
            {
                Description = "The letter's version (the xmin of its row), for If-Match on PATCH, PUT and DELETE.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }

        return Task.CompletedTask;
    }
}
