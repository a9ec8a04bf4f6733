using System.Text.Json;
using System.Text.Json.Serialization;

namespace SeLetters.Api.Models;

/// <summary>
/// The JSON documents of a letter go out as the text PostgreSQL gave back, however deep: jsonb takes documents nested
/// far deeper than a request may send (JsonDocumentAttribute), and the serializer's depth bound, which guards request
/// bodies, would refuse to write them.
/// </summary>
internal sealed class StoredJsonConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.GetRawText(), skipInputValidation: true);
}
