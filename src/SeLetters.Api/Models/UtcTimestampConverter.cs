using System.Text.Json;
using System.Text.Json.Serialization;

namespace SeLetters.Api.Models;

/// <summary>
/// Timestamps in and out in UTC, without a kind, as the timestamp-without-time-zone columns hold them. In, a timestamp
/// with an offset (<c>Z</c>, <c>+02:00</c>) is converted to UTC from its own offset; one without is taken as UTC. (The
/// default converter turned an offset into the API process's local time, which PostgreSQL then stored as if UTC, and
/// refused <c>Z</c> outright.) Out, unchanged: ISO 8601 without an offset.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // GetDateTime tells whether the text had an offset (its kind); TryGetDateTimeOffset keeps that offset as written.
        var written = reader.GetDateTime();
        if (written.Kind == DateTimeKind.Unspecified)
        {
            return written;
        }

        if (!reader.TryGetDateTimeOffset(out var moment))
        {
            throw new JsonException("The timestamp is outside 0001-01-01 to 9999-12-31 in UTC.");
        }

        return DateTime.SpecifyKind(moment.UtcDateTime, DateTimeKind.Unspecified);
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
