namespace SeLetters.MigrationService;

/// <summary>An error the operator can act on (a verb's input, the file, the server): its message is the one line logged, without a stack trace.</summary>
internal sealed class OperatorException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The first line of a tool's or library's message, to quote inside that one line.</summary>
    public static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no message)";
}
