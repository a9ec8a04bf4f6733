using Microsoft.EntityFrameworkCore;
using Npgsql;
using SeLetters.Data;
using SeLetters.MigrationService.Backup;
using SeLetters.MigrationService.Export;
using SeLetters.MigrationService.Privileges;

namespace SeLetters.MigrationService;

/// <summary>The operator's verbs that work on the database as it is: backup, restore, export-duckdb.</summary>
internal sealed class OperationsRunner(
    CommandLine commandLine, LettersDbContext db, DuckDbExporter exporter, ApiRoleProvisioner apiRole, ILoggerFactory loggers)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var backup = new DatabaseBackup(target, apiRole, loggers.CreateLogger<DatabaseBackup>());
        switch (commandLine.Command)
        {
            case ServiceCommand.Backup:
                await backup.BackupAsync(commandLine.Output!, cancellationToken);
                break;
            case ServiceCommand.Restore:
                await backup.RestoreAsync(commandLine.Input!, commandLine.Database, commandLine.Force, cancellationToken);
                break;
            case ServiceCommand.ExportDuckDb:
                await using (var connection = await DatabaseBackup.OpenAsync(target, cancellationToken))
                {
                    await exporter.ExportAsync(connection, commandLine.Output!, cancellationToken);
                }

                break;
            default:
                throw new InvalidOperationException($"{commandLine.Command} is not an operations verb.");
        }

        return 0;
    }
}
