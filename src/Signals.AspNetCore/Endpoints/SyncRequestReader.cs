using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// Reads a <see cref="SyncRequest"/>, the one schema of the sync body (the .NET client writes it with <see cref="SignalsJsonSerializerContext"/>),
/// from a complete UTF-8 body with <see cref="Utf8JsonReader"/>, validating as it goes, so every error names the field (and the key, with
/// <see cref="SignalKey"/>'s reason) instead of a serializer path.
/// </summary>
/// <remarks>
/// <para>Accepts the bare <c>{"known": {…}}</c> form and the Reality form; <c>known</c> is the only required field; unknown fields are
/// skipped; a field given twice, comments and trailing content are errors. At most <c>maxKeys</c> keys are read: the count is
/// checked while reading, so an oversized request costs no more than the limit.</para>
/// <para>The field names are <see cref="SyncRequest"/>'s JSON names (a test holds them equal). <c>known</c> is read into an
/// <see cref="OrderedDictionary{TKey, TValue}"/> in the order of the body, sized by a first pass over it, so a request allocates it once.</para>
/// </remarks>
internal static class SyncRequestReader
{
    private const int MaxQuotedValueLength = 40;

    /// <summary>The JSON names of <see cref="SyncRequest"/>'s properties, in the order of <see cref="Field"/>.</summary>
    internal static readonly string[] FieldNames = ["known", "clientId", "mode", "hint", "timestamp", "wait", "waitMs"];

    private enum Field
    {
        Unknown = -1,
        Known,
        ClientId,
        Mode,
        Hint,
        Timestamp,
        Wait,
        WaitMs,
    }

    /// <summary>Reads the request.</summary>
    /// <param name="body">The whole body.</param>
    /// <param name="maxKeys">The most keys <c>known</c> may hold.</param>
    /// <param name="hub">The hub: a key it holds is taken from it, without a string or a validation of its own.</param>
    /// <param name="request">The request, or <see langword="null"/> when a problem is returned.</param>
    /// <returns><see langword="null"/> when the body is a valid request; otherwise what is wrong with it.</returns>
    public static SignalsProblem? Read(in ReadOnlySequence<byte> body, int maxKeys, SignalHub hub, out SyncRequest? request)
    {
        request = null;
        if (body.IsEmpty)
        {
            return SignalsProblem.MalformedJson("The request body is empty; expected a JSON object such as {\"known\": {\"chat:room:general\": 5}}.");
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        try
        {
            return ReadCore(ref reader, maxKeys, hub, out request);
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

    private static SignalsProblem? ReadCore(ref Utf8JsonReader reader, int maxKeys, SignalHub hub, out SyncRequest? request)
    {
        request = null;
        reader.Read(); // Throws on a body without a JSON value (e.g. only whitespace).

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return SignalsProblem.InvalidRequest($"The request body must be a JSON object such as {{\"known\": {{}}}}, not {Describe(ref reader)}.");
        }

        OrderedDictionary<SignalKey, long>? known = null;
        Guid? clientId = null;
        SyncMode? mode = null;
        SyncHint? hint = null;
        long? timestamp = null;
        int? wait = null;
        int? waitMs = null;
        int seen = 0;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Field field = FindField(ref reader);
            reader.Read();
            if (field == Field.Unknown)
            {
                reader.Skip();
                continue;
            }

            // One bit per field seen.
            int bit = 1 << (int)field;
            if ((seen & bit) != 0)
            {
                return SignalsProblem.InvalidRequest($"The field '{FieldNames[(int)field]}' is given more than once.");
            }

            seen |= bit;
            SignalsProblem? problem = field switch
            {
                Field.Known => ReadKnown(ref reader, maxKeys, hub, out known),
                Field.ClientId => ReadClientId(ref reader, out clientId),
                Field.Mode => ReadEnum(ref reader, "mode", ModeNames, out mode),
                Field.Hint => ReadEnum(ref reader, "hint", HintNames, out hint),
                Field.Timestamp => ReadTimestamp(ref reader, out timestamp),
                Field.Wait => ReadWait(ref reader, "wait", out wait),
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

    /// <summary>Finds the field the current property name names (without making a string of it).</summary>
    /// <returns>The field, or <see cref="Field.Unknown"/> for one this reader skips.</returns>
    /// <exception cref="InvalidOperationException">The name is not valid UTF-8 (as <see cref="Utf8JsonReader.GetString"/> reports it).</exception>
    private static Field FindField(ref Utf8JsonReader reader)
    {
        for (int i = 0; i < FieldNames.Length; i++)
        {
            if (reader.ValueTextEquals(FieldNames[i]))
            {
                return (Field)i;
            }
        }

        // Unknown fields are skipped, but their names must still be text.
        _ = reader.GetString();
        return Field.Unknown;
    }

    private static SignalsProblem? ReadKnown(ref Utf8JsonReader reader, int maxKeys, SignalHub hub, out OrderedDictionary<SignalKey, long>? known)
    {
        known = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return SignalsProblem.InvalidRequest($"The field 'known' must be an object of key → known version, not {Describe(ref reader)}.");
        }

        var entries = new OrderedDictionary<SignalKey, long>(CountEntries(reader, maxKeys));
        Span<char> text = stackalloc char[SignalKey.MaxByteCount];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!TryReadKey(ref reader, hub, text, out SignalKey key, out string? invalid, out string? error))
            {
                return SignalsProblem.InvalidKey($"Invalid key {SignalsProblem.Quote(invalid)} in 'known': {error}");
            }

            string value = key.Value;

            if (entries.Count == maxKeys && !entries.ContainsKey(key))
            {
                return SignalsProblem.TooManyKeys("'known'", maxKeys);
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long version) || version < 0)
            {
                return SignalsProblem.InvalidVersion(
                    $"The version of key {SignalsProblem.Quote(value)} in 'known' must be a JSON integer between 0 and {long.MaxValue}, not {Describe(ref reader)}.");
            }

            if (!entries.TryAdd(key, version))
            {
                return SignalsProblem.InvalidRequest($"The key {SignalsProblem.Quote(value)} appears more than once in 'known'.");
            }
        }

        known = entries;
        return null;
    }

    /// <summary>Reads the current property name as a key: one the hub holds is found by its text (no string, no validation), any other is parsed.</summary>
    /// <param name="reader">The reader, at a property name.</param>
    /// <param name="hub">The hub.</param>
    /// <param name="buffer">Room for the text of a key of <see cref="SignalKey.MaxByteCount"/> bytes (a valid key has at most as many characters).</param>
    /// <param name="key">The key, or <c>default</c> when the name is not one.</param>
    /// <param name="invalid">The name, when it is not a key.</param>
    /// <param name="error">Why the name is not a key.</param>
    /// <returns><see langword="true"/> when the name is a valid key.</returns>
    /// <exception cref="InvalidOperationException">The name is not valid UTF-8.</exception>
    private static bool TryReadKey(
        ref Utf8JsonReader reader, SignalHub hub, scoped Span<char> buffer, out SignalKey key, [NotNullWhen(false)] out string? invalid, [NotNullWhen(false)] out string? error)
    {
        // Unescaped, the name has at most as many characters as it has bytes.
        long length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        ReadOnlySpan<char> name = length <= buffer.Length ? buffer[..reader.CopyString(buffer)] : reader.GetString();
        invalid = null;
        if (KeyText.TryParse(name, hub, out key, out error))
        {
            return true;
        }

        invalid = name.ToString();
        return false;
    }

    /// <summary>
    /// Counts the entries of the object the reader is at (a copy of it: the caller's position does not move), at most
    /// <paramref name="limit"/>, so the dictionary can be allocated once; 0 when the object is malformed (reading it again reports why).
    /// </summary>
    private static int CountEntries(Utf8JsonReader reader, int limit)
    {
        int count = 0;
        try
        {
            while (count < limit && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                reader.Skip();
                count++;
            }
        }
        catch (JsonException)
        {
            return 0;
        }

        return count;
    }

    private static SignalsProblem? ReadClientId(ref Utf8JsonReader reader, out Guid? clientId)
    {
        clientId = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String || !Guid.TryParse(reader.GetString(), out Guid value))
        {
            return SignalsProblem.InvalidRequest($"The field 'clientId' must be a UUID string such as \"0f8fad5b-d9cb-469f-a165-70867728950e\", not {Describe(ref reader)}.");
        }

        clientId = value;
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
            foreach ((string name, T named) in names)
            {
                if (reader.ValueTextEquals(name))
                {
                    value = named;
                    return null;
                }
            }
        }

        return SignalsProblem.InvalidRequest(
            $"The field '{field}' must be one of {string.Join(", ", names.Select(static name => $"\"{name.Name}\""))}, not {Describe(ref reader)}.");
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
