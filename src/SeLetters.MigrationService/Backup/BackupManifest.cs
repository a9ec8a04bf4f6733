using System.Text.Json;
using System.Text.Json.Serialization;

namespace SeLetters.MigrationService.Backup;

/// <summary>What a backup holds, written next to the dump: taken in the dump's own snapshot, checked after a restore.</summary>
internal sealed record BackupManifest(
    [property: JsonPropertyName("database")] string Database,
    [property: JsonPropertyName("server_version")] string ServerVersion,
    [property: JsonPropertyName("created_at_utc")] DateTime CreatedAtUtc,
    [property: JsonPropertyName("dump_file")] string DumpFile,
    [property: JsonPropertyName("dump_bytes")] long DumpBytes,
    [property: JsonPropertyName("tables")] IReadOnlyList<TableChecksum> Tables)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string PathFor(string dumpPath) => Path.ChangeExtension(dumpPath, ".manifest.json");

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, this, Indented, cancellationToken);
    }

    public static async Task<BackupManifest> ReadAsync(string dumpPath, CancellationToken cancellationToken)
    {
        var path = PathFor(dumpPath);
        if (!File.Exists(path))
        {
            throw new OperatorException($"The manifest {path} is missing: a backup is the .dump file and its .manifest.json, side by side.");
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<BackupManifest>(stream, cancellationToken: cancellationToken)
                ?? throw new OperatorException($"The manifest {path} is empty.");
        }
        catch (JsonException exception)
        {
            throw new OperatorException($"The manifest {path} is not valid JSON: {exception.Message}", exception);
        }
    }
}
