using Microsoft.EntityFrameworkCore;
using SeLetters.Data;
using SeLetters.MigrationService.Export;
using SeLetters.MigrationService.Import;
using SeLetters.MigrationService.Privileges;

namespace SeLetters.MigrationService;

internal static class Extensions
{
    public static void AddMigrationServices(this IHostApplicationBuilder builder, CommandLine commandLine)
    {
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(MigrationWorker.ActivitySourceName))
            .WithMetrics(metrics => metrics.AddMeter(ImportTelemetry.MeterName));

        builder.AddNpgsqlDbContext<LettersDbContext>("lettersdb",
            // The worker retries on its own until the server accepts connections, with a lock held: no retrying strategy here.
            settings => settings.DisableRetry = true,
            options => options.UseLettersConventions());

        builder.Services.AddSingleton(commandLine);
        builder.Services.AddOptions<DatabaseMigratorOptions>().BindConfiguration(DatabaseMigratorOptions.Section);
        builder.Services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section);
        builder.Services.AddTransient<DatabaseMigrator>();
        builder.Services.AddTransient<SquashedMigrationHistory>();
        builder.Services.AddSingleton<ImportTelemetry>();
        builder.Services.AddTransient<ImportVerifier>();
        builder.Services.AddTransient<LettersImporter>();
        builder.Services.AddTransient<ImportRunner>();
        builder.Services.AddTransient<DuckDbExporter>();
        builder.Services.AddTransient<OperationsRunner>();
        builder.Services.AddOptions<ApiRoleOptions>().BindConfiguration(ApiRoleOptions.Section);
        builder.Services.AddTransient<ApiRoleProvisioner>();
    }
}
