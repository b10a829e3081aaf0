using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// Reads a <see cref="SyncRequest"/> from a complete UTF-8 body with <see cref="Utf8JsonReader"/>, validating as it goes, so every
/// error names the field (and the key, with <see cref="SignalKey"/>'s reason) instead of a serializer path.
/// </summary>
/// <remarks>
/// Accepts the bare <c>{"known": {…}}</c> form and the Reality form; <c>known</c> is the only required field; unknown fields are
/// skipped; a field given twice, comments and trailing content are errors. At most <c>maxKeys</c> keys are read: the count is
/// checked while reading, so an oversized request costs no more than the limit.
/// </remarks>
internal static class SyncRequestReader
{
    private const int MaxQuotedValueLength = 40;

    /// <summary>Reads the request.</summary>
    /// <param name="body">The whole body.</param>
    /// <param name="maxKeys">The most keys <c>known</c> may hold.</param>
    /// <param name="request">The request, or <see langword="null"/> when a problem is returned.</param>
    /// <returns><see langword="null"/> when the body is a valid request; otherwise what is wrong with it.</returns>
    public static SignalsProblem? Read(in ReadOnlySequence<byte> body, int maxKeys, out SyncRequest? request)
    {
        request = null;
        if (body.IsEmpty)
        {
            return SignalsProblem.MalformedJson("The request body is empty; expected a JSON object such as {\"known\": {\"chat:room:general\": 5}}.");
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        try
        {
            return ReadCore(ref reader, maxKeys, out request);
        }
        catch (JsonException exception)
        {
            request = null;
            return SignalsProblem.MalformedJson(string.Create(CultureInfo.InvariantCulture,
                $"The request body is not well-formed JSON at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}: {StripPosition(exception.Message)}"));
        }
        catch (InvalidOperationException exception)
        {
            // GetString() throws this for a string that is not valid UTF-8 (the reader checks structure, not text).
            request = null;
            return SignalsProblem.MalformedJson($"The request body is not valid UTF-8 JSON: {exception.Message}");
        }
    }

    private static SignalsProblem? ReadCore(ref Utf8JsonReader reader, int maxKeys, out SyncRequest? request)
    {
        request = null;
        reader.Read(); // Throws on a body without a JSON value (e.g. only whitespace).

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return SignalsProblem.InvalidRequest($"The request body must be a JSON object such as {{\"known\": {{}}}}, not {Describe(ref reader)}.");
        }

        Dictionary<SignalKey, long>? known = null;
        Guid? clientId = null;
        SyncMode? mode = null;
        SyncHint? hint = null;
        long? timestamp = null;
        int? wait = null;
        int? waitMs = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (!IsKnownField(name))
            {
                reader.Skip();
                continue;
            }

            if (!seen.Add(name))
            {
                return SignalsProblem.InvalidRequest($"The field '{name}' is given more than once.");
            }

            SignalsProblem? problem = name switch
            {
                "known" => ReadKnown(ref reader, maxKeys, out known),
                "clientId" => ReadClientId(ref reader, out clientId),
                "mode" => ReadEnum(ref reader, "mode", ModeNames, out mode),
                "hint" => ReadEnum(ref reader, "hint", HintNames, out hint),
                "timestamp" => ReadTimestamp(ref reader, out timestamp),
                "wait" => ReadWait(ref reader, "wait", out wait),
                _ => ReadWait(ref reader, "waitMs", out waitMs),
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        // The root object ended; Read() throws on trailing content, so a second value or garbage is malformed JSON.
        if (reader.Read())
        {
            return SignalsProblem.MalformedJson("The request body holds more than one JSON value.");
        }

        if (known is null)
        {
            return SignalsProblem.InvalidRequest("The field 'known' is required: an object of key → known version, e.g. {\"known\": {\"chat:room:general\": 5}}.");
        }

        request = new SyncRequest
        {
            Known = known,
            ClientId = clientId,
            Mode = mode,
            Hint = hint,
            Timestamp = timestamp,
            Wait = wait,
            WaitMs = waitMs,
        };
        return null;
    }

    private static bool IsKnownField(string name) => name is "known" or "clientId" or "mode" or "hint" or "timestamp" or "wait" or "waitMs";

    private static SignalsProblem? ReadKnown(ref Utf8JsonReader reader, int maxKeys, out Dictionary<SignalKey, long>? known)
    {
        known = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return SignalsProblem.InvalidRequest($"The field 'known' must be an object of key → known version, not {Describe(ref reader)}.");
        }

        var result = new Dictionary<SignalKey, long>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string value = reader.GetString()!;
            if (!SignalKey.TryParse(value, out SignalKey key, out string? error))
            {
                return SignalsProblem.InvalidKey($"Invalid key {SignalsProblem.Quote(value)} in 'known': {error}");
            }

            if (result.Count == maxKeys && !result.ContainsKey(key))
            {
                return SignalsProblem.TooManyKeys("'known'", maxKeys);
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long version) || version < 0)
            {
                return SignalsProblem.InvalidVersion(
                    $"The version of key {SignalsProblem.Quote(value)} in 'known' must be a JSON integer between 0 and {long.MaxValue}, not {Describe(ref reader)}.");
            }

            if (!result.TryAdd(key, version))
            {
                return SignalsProblem.InvalidRequest($"The key {SignalsProblem.Quote(value)} appears more than once in 'known'.");
            }
        }

        known = result;
        return null;
    }

    private static SignalsProblem? ReadClientId(ref Utf8JsonReader reader, out Guid? clientId)
    {
        clientId = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String || !Guid.TryParse(reader.GetString(), out Guid id))
        {
            return SignalsProblem.InvalidRequest($"The field 'clientId' must be a UUID string such as \"0f8fad5b-d9cb-469f-a165-70867728950e\", not {Describe(ref reader)}.");
        }

        clientId = id;
        return null;
    }

    private static SignalsProblem? ReadEnum<T>(ref Utf8JsonReader reader, string field, (string Name, T Value)[] names, out T? value)
        where T : struct, Enum
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            foreach ((string name, T candidate) in names)
            {
                if (reader.ValueTextEquals(name))
                {
                    value = candidate;
                    return null;
                }
            }
        }

        return SignalsProblem.InvalidRequest(
            $"The field '{field}' must be one of {string.Join(", ", names.Select(static n => $"\"{n.Name}\""))}, not {Describe(ref reader)}.");
    }

    private static SignalsProblem? ReadTimestamp(ref Utf8JsonReader reader, out long? timestamp)
    {
        timestamp = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value))
        {
            return SignalsProblem.InvalidRequest($"The field 'timestamp' must be a JSON integer, not {Describe(ref reader)}.");
        }

        timestamp = value;
        return null;
    }

    private static SignalsProblem? ReadWait(ref Utf8JsonReader reader, string field, out int? wait)
    {
        wait = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int value) || value < 0)
        {
            return SignalsProblem.InvalidRequest(
                $"The field '{field}' must be a JSON integer of milliseconds between 0 and {int.MaxValue}, not {Describe(ref reader)}.");
        }

        wait = value;
        return null;
    }

    /// <summary>Describes the current token for a message: its JSON type and, for scalars, its text (shortened).</summary>
    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => $"the string {SignalsProblem.Quote(reader.GetString()!)}",
        JsonTokenType.Number => $"the number {RawText(ref reader)}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => reader.TokenType.ToString(),
    };

    private static string RawText(ref Utf8JsonReader reader)
    {
        string text = reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan);
        return text.Length <= MaxQuotedValueLength ? text : string.Concat(text.AsSpan(0, MaxQuotedValueLength), "…");
    }

    private static string StripPosition(string message)
    {
        // Utf8JsonReader's messages end with " LineNumber: x | BytePositionInLine: y."; the position is already in our message.
        int index = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return index < 0 ? message : message[..index].TrimEnd(' ', '|');
    }

    // The wire names come from the enums' [JsonStringEnumMemberName] attributes, through the same metadata that writes them.
    private static readonly (string Name, SyncMode Value)[] ModeNames = WireNames(SignalsJsonSerializerContext.Default.SyncMode);

    private static readonly (string Name, SyncHint Value)[] HintNames = WireNames(SignalsJsonSerializerContext.Default.SyncHint);

    private static (string Name, T Value)[] WireNames<T>(JsonTypeInfo<T> typeInfo)
        where T : struct, Enum
        => [.. Enum.GetValues<T>().Select(value => (JsonSerializer.Serialize(value, typeInfo).Trim('"'), value))];
}
