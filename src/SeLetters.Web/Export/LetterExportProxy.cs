using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SeLetters.Web.Components.Pages;
using SeLetters.Web.Letters;

namespace SeLetters.Web.Export;

/// <summary>
/// <c>/export?format=csv|ndjson|xlsx&amp;...</c>: the letters page's search as a download. The API's export is passed
/// through as it streams (nothing buffered here), its content type and file name kept; a refusal (an XLSX over its row
/// limit, a bad filter) is a page saying why, with the API's status.
/// </summary>
public sealed class LetterExportProxy(HttpClient http)
{
    public async Task<IResult> ExportAsync(string? format, LetterQuery query, HttpContext httpContext)
    {
        var uri = "/api/letters/export" + query.ApiExportQueryString(format ?? "");
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, httpContext.RequestAborted);
        }
        catch (HttpRequestException exception)
        {
            return Refused(LettersApiException.Unreachable(exception), StatusCodes.Status503ServiceUnavailable);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var refusal = await LettersApiException.FromResponseAsync(response, httpContext.RequestAborted);
                return Refused(refusal, response.StatusCode == HttpStatusCode.BadRequest ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway);
            }
        }

        httpContext.Response.RegisterForDispose(response);
        httpContext.Response.Headers.ContentDisposition = response.Content.Headers.ContentDisposition?.ToString();
        return TypedResults.Stream(await response.Content.ReadAsStreamAsync(httpContext.RequestAborted),
            response.Content.Headers.ContentType?.ToString());
    }

    private static RazorComponentResult<ExportRefused> Refused(LettersApiException refusal, int status) =>
        new(new { Refusal = refusal }) { StatusCode = status };
}

internal static class LetterExportEndpoint
{
    public const string Path = "/export";

    public static RouteHandlerBuilder MapLetterExport(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, ([FromQuery] string? format, HttpContext httpContext, LetterExportProxy proxy) =>
            proxy.ExportAsync(format, LetterQuery.Parse(httpContext.Request.QueryString.Value), httpContext));
}
