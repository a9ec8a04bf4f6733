using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SeLetters.Tests.Infrastructure;

/// <summary>What a host logged from <paramref name="minimum"/> up, with each exception whole: for a test to assert on, or to report when it fails.</summary>
internal sealed class LoggedEntries(LogLevel minimum) : ILoggerProvider, ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    /// <summary>One line per entry, its level first.</summary>
    public string Text => string.Join('\n', Entries.Select(entry => $"{entry.Level}: {entry.Message}"));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Entries.Enqueue((logLevel, $"{formatter(state, exception)}{(exception is null ? "" : " " + exception)}"));
        }
    }

    public void Dispose()
    {
    }
}
