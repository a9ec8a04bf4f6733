using System.Globalization;
using DuckDB.NET.Native;

namespace SeLetters.MigrationService.Import;

/// <summary>
/// A <c>timestamp without time zone</c> as PostgreSQL stores it: microseconds since 2000-01-01, long.MinValue and
/// long.MaxValue for -infinity and infinity. The import carries timestamps in this form, not as DateTime, whose years
/// 1–9999 are narrower than both PostgreSQL's (4714-11-24 BC to 294276 AD) and DuckDB's (290309 BC to 294247 AD).
/// </summary>
internal readonly record struct PostgresTimestamp(long Microseconds)
{
    public static readonly PostgresTimestamp Infinity = new(long.MaxValue);

    public static readonly PostgresTimestamp NegativeInfinity = new(long.MinValue);

    /// <summary>PostgreSQL's earliest timestamp, 4714-11-24 00:00:00 BC.</summary>
    public static readonly PostgresTimestamp Earliest = new(-211_813_488_000_000_000);

    /// <summary>The first timestamp past PostgreSQL's latest, 294277-01-01 00:00:00.</summary>
    private static readonly PostgresTimestamp End = new(9_223_371_331_200_000_000);

    private const long UnixEpoch = 946_684_800_000_000; // 1970-01-01 in microseconds before 2000-01-01
    private const long MicrosecondsPerDay = 86_400_000_000;

    public bool IsFinite => Microseconds is not (long.MinValue or long.MaxValue);

    /// <summary>The DuckDB timestamp as PostgreSQL holds it; null when it is outside PostgreSQL's range.</summary>
    public static PostgresTimestamp? FromDuckDb(DuckDBTimestamp timestamp)
    {
        if (timestamp.IsInfinity)
        {
            return timestamp.IsPositiveInfinity ? Infinity : NegativeInfinity;
        }

        var micros = timestamp.ToDuckDBTimestampStruct().Micros;
        if (micros < Earliest.Microseconds + UnixEpoch || micros - UnixEpoch >= End.Microseconds)
        {
            return null;
        }

        return new PostgresTimestamp(micros - UnixEpoch);
    }

    /// <summary>The same instant for DuckDB; null for the years 294247 to 294276, past DuckDB's latest timestamp.</summary>
    public DuckDBTimestamp? ToDuckDb()
    {
        if (!IsFinite)
        {
            return Microseconds > 0 ? DuckDBTimestamp.PositiveInfinity : DuckDBTimestamp.NegativeInfinity;
        }

        // DuckDB keeps its two largest (and smallest) values for ±infinity.
        return Microseconds > long.MaxValue - 1 - UnixEpoch ? null : FromDuckDbMicros(Microseconds + UnixEpoch);
    }

    /// <summary>The DateTime of a timestamp in DateTime's years 1–9999, else null.</summary>
    public DateTime? ToDateTime() =>
        Microseconds is >= -63_082_281_600_000_000 and <= 252_455_615_999_999_999
            ? new DateTime((Microseconds + UnixEpoch) * 10 + DateTime.UnixEpoch.Ticks, DateTimeKind.Unspecified)
            : null;

    private static DuckDBTimestamp FromDuckDbMicros(long micros) =>
        DuckDBTimestamp.FromDuckDBTimestampStruct(new DuckDBTimestampStruct { Micros = micros });

    /// <summary>As PostgreSQL prints it (DateStyle ISO): 2024-03-01 10:00:00.5, 4714-11-24 00:00:00 BC, infinity.</summary>
    public override string ToString() => IsFinite ? Format(Microseconds) : Microseconds > 0 ? "infinity" : "-infinity";

    /// <summary>A DuckDB timestamp as PostgreSQL would print it, also one outside PostgreSQL's range.</summary>
    public static string Format(DuckDBTimestamp timestamp) =>
        timestamp.IsInfinity ? (timestamp.IsPositiveInfinity ? "infinity" : "-infinity") : Format((Int128)timestamp.ToDuckDBTimestampStruct().Micros - UnixEpoch);

    /// <summary>Microseconds since 2000-01-01 as text, in 128 bits: DuckDB's earliest timestamps are out of 64 bits' reach from 2000.</summary>
    private static string Format(Int128 microseconds)
    {
        var days = (long)(microseconds / MicrosecondsPerDay);
        var time = (long)(microseconds % MicrosecondsPerDay);
        if (time < 0)
        {
            days--;
            time += MicrosecondsPerDay;
        }

        var (year, month, day) = CivilFromDays(days + 10_957); // days since 1970-01-01
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{(year > 0 ? year : 1 - year):D4}-{month:D2}-{day:D2} {time / 3_600_000_000:D2}:{time / 60_000_000 % 60:D2}:{time / 1_000_000 % 60:D2}");
        var fraction = time % 1_000_000;
        if (fraction > 0)
        {
            text += "." + fraction.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return year > 0 ? text : text + " BC";
    }

    /// <summary>The proleptic Gregorian date of a day number (days since 1970-01-01; year 0 is 1 BC), after H. Hinnant.</summary>
    private static (long Year, long Month, long Day) CivilFromDays(long days)
    {
        days += 719_468;
        var era = (days >= 0 ? days : days - 146_096) / 146_097;
        var dayOfEra = days - era * 146_097;
        var yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        var dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        var monthIndex = (5 * dayOfYear + 2) / 153;
        var day = dayOfYear - (153 * monthIndex + 2) / 5 + 1;
        var month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day);
    }
}
