namespace SeLetters.MigrationService.Import;

/// <summary>An error the operator can act on: its message is the one line logged, without a stack trace.</summary>
internal sealed class ImportException(string message, Exception? inner = null) : Exception(message, inner);
