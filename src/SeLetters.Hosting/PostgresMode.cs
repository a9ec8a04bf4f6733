namespace SeLetters.Hosting;

/// <summary>Where the letters database's PostgreSQL server comes from (configuration <c>Postgres:Mode</c>).</summary>
public enum PostgresMode
{
    /// <summary>A container where a container runtime answers, else the machine's PostgreSQL binaries.</summary>
    Auto,

    /// <summary>Aspire's PostgreSQL container, with a data volume.</summary>
    Container,

    /// <summary>A server started from the installed PostgreSQL binaries, with a persistent data directory.</summary>
    Local,

    /// <summary>An existing server, given as the connection string <c>ConnectionStrings:lettersdb</c>.</summary>
    External,
}
