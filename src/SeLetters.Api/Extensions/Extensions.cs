using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scalar.AspNetCore;
using SeLetters.Api.Apis;
using SeLetters.Api.Catalogue;
using SeLetters.Api.Errors;
using SeLetters.Api.Letters;
using SeLetters.Api.Letters.Export;
using SeLetters.Api.Models;
using SeLetters.Api.Security;
using SeLetters.Data;

namespace SeLetters.Api.Extensions;

internal static class Extensions
{
    private const string LettersDatabase = "lettersdb";
    private const int MaxRetries = 3;
    private const int AutoPreparedStatements = 64;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        TuneConnectionsForRequests(builder.Configuration);
        // The pool size is the connection string's "Maximum Pool Size" (Npgsql's default: 100).
        var retry = true;
        builder.AddNpgsqlDbContext<LettersDbContext>(LettersDatabase,
            configureSettings: settings => retry = !settings.DisableRetry,
            configureDbContextOptions: options =>
            {
                options.UseLettersConventions();
                if (retry)
                {
                    // Aspire's default (6 retries up to 30 s apart) holds a request for about a minute while the
                    // database is down; this still bridges a restart of a few seconds, and answers 503 soon after.
                    options.UseNpgsql(npgsql => npgsql.EnableRetryOnFailure(MaxRetries, MaxRetryDelay, errorCodesToAdd: null));
                }
            });
        builder.Services.AddScoped<LetterStore>();
        builder.Services.AddScoped<LetterSearch>();
        builder.Services.AddSingleton<SearchPlanMemory>();
        builder.Services.AddScoped<LetterExportQuery>();
        builder.Services.AddHostedService<LetterStatisticsFolder>();
        builder.Services.AddOptions<LetterExportOptions>().BindConfiguration(LetterExportOptions.Section)
            .Validate(options => options.XlsxMaxLetters is > 0 and < LetterExportOptions.XlsxRowLimit,
                $"Export:XlsxMaxLetters must be between 1 and {LetterExportOptions.XlsxRowLimit - 1}.")
            .ValidateOnStart();
        // Ctrl+C on the AppHost must end the stack within seconds, and the orchestrator kills a project 6 s after asking
        // it to stop. Requests in flight and the statistics fold (whose first run, EF Core's first query, takes seconds
        // of CPU on a busy machine) get 2 s; a write cut off is rolled back whole.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);

        builder.Services.AddOptions<CatalogueOptions>().BindConfiguration(CatalogueOptions.Section);
        builder.Services.AddSingleton<CatalogueReader>();
        builder.Services.AddHealthChecks().AddCheck<CatalogueHealthCheck>("catalogue");

        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section)
            .Validate(options => options.MaxConcurrentRequests > 0 && options.MaxQueuedRequests >= 0,
                "Api:MaxConcurrentRequests must be at least 1 and Api:MaxQueuedRequests at least 0.")
            .ValidateOnStart();
        builder.Services.AddRequestLimits();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        builder.Services.AddAuthorization();

        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ValidationErrorNames.UseJsonNames);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

        builder.Services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));
        builder.Services.AddValidation();
        // A parameter that cannot be bound (page=abc) is thrown, so ProblemExceptionHandler answers a 400 naming it, in
        // every environment (by default only Development throws; elsewhere the 400 said nothing).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        builder.Services.AddOpenApi(options => options
            .AddDocumentTransformer<ApiKeyOpenApiTransformer>()
            .AddOperationTransformer<ApiKeyOpenApiTransformer>()
            .AddOperationTransformer<LetterVersionOpenApiTransformer>());
    }

    /// <summary>
    /// Requests run small queries, many at once. Unless the connection string says otherwise:
    /// <list type="bullet">
    /// <item>Npgsql prepares each statement after its fifth run on a connection (<c>Max Auto Prepare</c>, off by
    /// default): PostgreSQL then skips parsing and planning the recurring reads, which halves its work for a get by id;
    /// the cache is per connection and LRU, sized for the get by id, the statistics, the writes and the common search
    /// shapes.</item>
    /// <item>A connection back in the pool is not reset (<c>No Reset On Close</c>): with prepared statements Npgsql's
    /// reset is seven statements (RESET ALL, pg_advisory_unlock_all(), ...) sent before the next request's own, and the
    /// API leaves nothing to reset: its settings are SET LOCAL and its advisory locks transaction-scoped.</item>
    /// </list>
    /// JIT compilation (tens of milliseconds whenever the planner expects a costly plan) and parallel workers (more
    /// processes on the same busy cores) cost such queries more than they save.
    /// </summary>
    private static void TuneConnectionsForRequests(IConfigurationManager configuration)
    {
        if (configuration.GetConnectionString(LettersDatabase) is not { } connectionString)
        {
            return;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = $"{builder.Options} -c jit=off -c max_parallel_workers_per_gather=0".Trim();
        // NpgsqlConnectionStringBuilder knows every keyword, set or not: the generic parser tells what was written.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!written.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = AutoPreparedStatements;
        }

        if (!written.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        configuration[$"ConnectionStrings:{LettersDatabase}"] = builder.ConnectionString;
    }

    /// <summary>
    /// Existing clients read the seed's snake_case names (document_name, total_letters, ...). NaN and ±Infinity, which
    /// imported letters may hold in their reals, are written as the strings "NaN", "Infinity" and "-Infinity" (JSON has
    /// no such numbers; a write refuses them). A request body is nested at most <see cref="MaxRequestDepth"/> deep: the
    /// reader walks every level of a deeper one before refusing it (a 600 KB body nested 200,000 deep took over a minute);
    /// stored JSON documents are given back however deep PostgreSQL took them (StoredJsonConverter). A field of the
    /// letter, a product, a match, a step or a patch given twice is refused, naming it: read last-wins, the value a client
    /// meant could be either. Inside a stored JSON document a repeated key is taken as jsonb takes it, the last one kept
    /// (StoredJsonConverter reads the documents): those are the pipeline's LLM output, stored as it came.
    /// </summary>
    private static void ConfigureJson(JsonSerializerOptions options)
    {
        options.AllowDuplicateProperties = false;
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.MaxDepth = MaxRequestDepth;
        options.Converters.Add(new UtcTimestampConverter());
        options.Converters.Add(new StoredJsonConverter());
    }

    /// <summary>Room for a letter's own nesting (letter, products, matches) around documents of JsonDocumentAttribute.MaximumDepth.</summary>
    private const int MaxRequestDepth = 128;

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
