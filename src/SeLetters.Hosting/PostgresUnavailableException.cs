namespace SeLetters.Hosting;

/// <summary>No way to get a PostgreSQL server works on this machine; the message says what to install or configure.</summary>
public sealed class PostgresUnavailableException(string message) : Exception(message);
