using System.Data;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using SeLetters.Data;

namespace SeLetters.Api.Letters.Export;

/// <summary>
/// Streams every letter a search matches, in its order, straight from an Npgsql data reader into the response: one
/// row in memory at a time, whatever the number of letters. A format with a row limit counts first (up to one past
/// the limit), in the same snapshot as the rows it then writes, so the count cannot go stale in between.
/// </summary>
internal sealed class LetterExportResult(LetterExportFormat format, LetterSearchQuery query) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var letters = services.GetRequiredService<LetterExportQuery>();
        var db = services.GetRequiredService<LettersDbContext>();
        var cancellationToken = httpContext.RequestAborted;

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            if (format.MaxLetters(services.GetRequiredService<IOptions<LetterExportOptions>>().Value) is { } maxLetters
                && await CountUpToAsync(letters.Matches(query).Select(l => l.Id), maxLetters + 1, snapshot, cancellationToken) > maxLetters)
            {
                await TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["format"] = [$"An {format.Name} export holds at most {maxLetters:N0} letters (a worksheet's {LetterExportOptions.XlsxRowLimit:N0} rows, one of them the header), and this search matches more. Narrow the search, or export csv or ndjson."],
                }).ExecuteAsync(httpContext);
                return;
            }

            await using (var command = LetterExportRow.Project(letters.SortedMatches(query)).CreateDbCommand())
            {
                command.Transaction = snapshot;
                await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
                httpContext.Response.ContentType = format.ContentType;
                httpContext.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
                {
                    FileName = $"letters-{DateTime.UtcNow:yyyyMMdd-HHmmss}.{format.Name}",
                }.ToString();
                await format.WriteAsync(reader, httpContext.Response.Body, cancellationToken);
            }

            await snapshot.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>How many rows <paramref name="ids"/> has, counting no further than <paramref name="limit"/>.</summary>
    private static async Task<long> CountUpToAsync(IQueryable<int> ids, int limit, NpgsqlTransaction snapshot, CancellationToken cancellationToken)
    {
        await using var command = (NpgsqlCommand)ids.Take(limit).CreateDbCommand();
        command.CommandText = $"SELECT count(*) FROM ({command.CommandText}) AS matches";
        command.Transaction = snapshot;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void),
            LetterExportFormat.All.Select(format => format.ContentType).ToArray()));
    }
}
