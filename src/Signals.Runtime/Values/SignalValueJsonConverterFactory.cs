using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signals;

/// <summary>
/// Reads and writes a <see cref="SignalValue{T}"/> in the wire shape of a value answer:
/// <c>{"key":…,"version":42,"hash":…,"updatedAt":1699876543210,"value":…}</c>, the value with the options' converter for its type.
/// </summary>
internal sealed class SignalValueJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert)
        => typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(SignalValue<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
        => (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class Converter<T> : JsonConverter<SignalValue<T>>
    {
        public override SignalValue<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"A signal value must be a JSON object, not {reader.TokenType}.");
            }

            StringComparison names = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            SignalKey? key = null;
            long version = 0;
            string? hash = null;
            long updatedAt = 0;
            (bool Read, T? Value) value = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                if (string.Equals(name, Name("key", options), names))
                {
                    key = JsonSerializer.Deserialize<SignalKey>(ref reader, options);
                }
                else if (string.Equals(name, Name("version", options), names))
                {
                    version = reader.GetInt64();
                }
                else if (string.Equals(name, Name("hash", options), names))
                {
                    hash = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                }
                else if (string.Equals(name, Name("updatedAt", options), names))
                {
                    updatedAt = reader.GetInt64();
                }
                else if (string.Equals(name, Name("value", options), names))
                {
                    value = (true, JsonSerializer.Deserialize<T>(ref reader, options));
                }
                else
                {
                    reader.Skip();
                }
            }

            if (key is null || !value.Read)
            {
                throw new JsonException("A signal value needs a 'key' and a 'value'.");
            }

            return new SignalValue<T>(new SignalVersion(key.Value, version, hash, DateTimeOffset.FromUnixTimeMilliseconds(updatedAt)), value.Value!);
        }

        public override void Write(Utf8JsonWriter writer, SignalValue<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(Name("key", options));
            writer.WriteStringValue(value.Key.Value);
            writer.WriteNumber(Name("version", options), value.Version);
            writer.WriteString(Name("hash", options), value.State.Hash);
            writer.WriteNumber(Name("updatedAt", options), value.State.UpdatedAt.ToUnixTimeMilliseconds());
            writer.WritePropertyName(Name("value", options));
            JsonSerializer.Serialize(writer, value.Value, options);
            writer.WriteEndObject();
        }

        // The wire names are camelCase; an app's own naming policy (e.g. snake_case) still applies to them.
        private static string Name(string name, JsonSerializerOptions options) => options.PropertyNamingPolicy?.ConvertName(name) ?? name;
    }
}
