using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SeLetters.Data;

namespace SeLetters.MigrationService;

internal static class Extensions
{
    public static void AddMigrationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(MigrationWorker.ActivitySourceName));

        builder.AddNpgsqlDbContext<LettersDbContext>("lettersdb",
            // The worker retries on its own until the server accepts connections, with a lock held: no retrying strategy here.
            settings => settings.DisableRetry = true,
            options => options.UseLettersConventions()
                // The PerformanceIndexes migration is written to be re-run safely after an interruption.
                .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning)));

        builder.Services.AddOptions<DatabaseMigratorOptions>().BindConfiguration(DatabaseMigratorOptions.Section);
        builder.Services.AddTransient<DatabaseMigrator>();
        builder.Services.AddOptions<ApiRoleOptions>().BindConfiguration(ApiRoleOptions.Section);
        builder.Services.AddTransient<ApiRoleProvisioner>();
    }
}
