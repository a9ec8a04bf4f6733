namespace SeLetters.MigrationService.Backup;

/// <summary>A failure the operator can act on; its message is the one line the tool prints.</summary>
internal sealed class OperatorException(string message, Exception? inner = null) : Exception(message, inner);
