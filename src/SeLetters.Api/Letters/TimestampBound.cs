using System.Globalization;

namespace SeLetters.Api.Letters;

/// <summary>
/// <c>created_from</c> or <c>created_to</c>: an ISO 8601 date (<c>2026-11-25</c>: the whole day) or date-time. A
/// date-time with an offset (<c>Z</c>, <c>+02:00</c>) is converted to UTC, the clock <c>created_at</c> is written in;
/// one without an offset is taken as UTC.
/// </summary>
public readonly record struct TimestampBound
{
    /// <summary>PostgreSQL keeps microseconds: the last moment of a day is 23:59:59.999999.</summary>
    private static readonly TimeSpan Microsecond = TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond);

    private TimestampBound(DateTime first, DateTime last) => (First, Last) = (first, last);

    /// <summary>The moment, or the first moment of the date: what <c>created_from</c> includes from.</summary>
    public DateTime First { get; }

    /// <summary>The moment, or the last moment of the date: what <c>created_to</c> includes up to.</summary>
    public DateTime Last { get; }

    /// <summary>Minimal APIs bind the query parameter through this; false answers 400 naming the parameter.</summary>
    public static bool TryParse(string? text, IFormatProvider? provider, out TimestampBound bound)
    {
        bound = default;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var first = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            bound = new TimestampBound(first, date == DateOnly.MaxValue ? DateTime.MaxValue : first.AddDays(1) - Microsecond);
            return true;
        }

        // Timestamps are compared as UTC without a kind, as the timestamp-without-time-zone column holds them. An offset
        // that moves the moment out of 0001..9999 fails the parse.
        if (string.IsNullOrWhiteSpace(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
        {
            return false;
        }

        var utc = DateTime.SpecifyKind(moment.UtcDateTime, DateTimeKind.Unspecified);
        bound = new TimestampBound(utc, utc);
        return true;
    }
}
