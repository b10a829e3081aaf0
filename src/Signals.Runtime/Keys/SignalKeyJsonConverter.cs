using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signals;

/// <summary>Reads and writes a <see cref="SignalKey"/> as its canonical string, as a value or as a property name.</summary>
/// <remarks>Reading validates the key; an invalid one throws <see cref="JsonException"/> with the reason from <see cref="SignalKey.TryParse(string, out SignalKey, out string)"/>.</remarks>
public sealed class SignalKeyJsonConverter : JsonConverter<SignalKey>
{
    /// <inheritdoc/>
    public override SignalKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.TokenType == JsonTokenType.String
            ? ParseOrThrow(reader.GetString())
            : throw new JsonException($"A signal key must be a JSON string, not {reader.TokenType}.");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, SignalKey value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }

    /// <inheritdoc/>
    public override SignalKey ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => ParseOrThrow(reader.GetString());

    /// <inheritdoc/>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, SignalKey value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.Value);
    }

    private static SignalKey ParseOrThrow(string? value)
        => SignalKey.TryParse(value, out SignalKey key, out string? error) ? key : throw new JsonException($"Invalid signal key: {error}");
}
