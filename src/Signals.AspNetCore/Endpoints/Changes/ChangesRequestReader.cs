using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// Reads a request of the cursor form of sync: the <c>POST</c> body (<see cref="SyncChangesRequest"/>'s wire shape, with
/// <see cref="Utf8JsonReader"/>, so every error names its field) or the <c>GET</c> query (<c>key</c>, <c>cursor</c>, <c>waitMs</c>,
/// <c>live</c>). Keys are checked against the key grammar (a key the hub holds is taken from it), distinct, at least one, at most
/// <c>maxKeys</c>; the cursor is an SSE event id (<see cref="StreamCursor"/>).
/// </summary>
internal static class ChangesRequestReader
{
    private const string Example = "{\"keys\": [\"chat:room:general\"], \"cursor\": \"1842\", \"waitMs\": 25000}";

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    /// <summary>A reader's state right after the <c>keys</c> array of a body, which is a field of the root object.</summary>
    private static readonly JsonReaderState AfterKeysArray = StateAfter("{\"keys\":[]"u8);

    /// <summary>Reads a <c>POST</c> body: <c>keys</c> required; <c>cursor</c> and <c>waitMs</c> optional (or null); unknown fields skipped.</summary>
    /// <param name="body">The whole body.</param>
    /// <param name="maxKeys">The most keys a request may name.</param>
    /// <param name="hub">The hub, to take the keys it holds from it.</param>
    /// <param name="arrays">The key arrays of recent polls: a <c>keys</c> array read before is not read again, and one read now is kept.</param>
    /// <param name="request">The request, when the body is valid.</param>
    /// <returns><see langword="null"/> when the body is a valid request; otherwise what is wrong with it.</returns>
    public static SignalsProblem? ReadBody(in ReadOnlySequence<byte> body, int maxKeys, SignalHub hub, ChangesKeyArrays arrays, out ChangesRequest? request)
    {
        if (body.IsSingleSegment)
        {
            return ReadBody(body.FirstSpan, maxKeys, hub, arrays, out request);
        }

        // One span for the reader (faster than a sequence) and for comparing the keys array with the kept ones.
        int length = checked((int)body.Length);
        byte[] copy = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(copy);
            return ReadBody(copy.AsSpan(0, length), maxKeys, hub, arrays, out request);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static SignalsProblem? ReadBody(ReadOnlySpan<byte> body, int maxKeys, SignalHub hub, ChangesKeyArrays arrays, out ChangesRequest? request)
    {
        try
        {
            return Read(body, maxKeys, hub, arrays, out request);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Read again without kept arrays: past a kept array the reader starts anew, so its error would name the wrong position.
        }

        try
        {
            return Read(body, maxKeys, hub, arrays: null, out request);
        }
        catch (JsonException exception)
        {
            request = null;
            return SignalsProblem.MalformedJson(string.Create(CultureInfo.InvariantCulture,
                $"The request body is not well-formed JSON at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}."));
        }
        catch (InvalidOperationException exception)
        {
            request = null;
            return SignalsProblem.MalformedJson($"The request body is not valid UTF-8 JSON: {exception.Message}");
        }
    }

    /// <exception cref="JsonException">The body is not well-formed JSON.</exception>
    /// <exception cref="InvalidOperationException">A string of the body is not valid UTF-8.</exception>
    private static SignalsProblem? Read(ReadOnlySpan<byte> body, int maxKeys, SignalHub hub, ChangesKeyArrays? arrays, out ChangesRequest? request)
    {
        request = null;
        var reader = new Utf8JsonReader(body, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return SignalsProblem.InvalidRequest($"The request body must be a JSON object such as {Example}.");
        }

        IReadOnlyList<SignalKey>? keys = null;
        CatalogVerdict? verdict = null;
        string? cursorText = null;
        bool cursorSeen = false;
        int? waitMs = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            reader.Read();
            SignalsProblem? problem = field switch
            {
                "keys" when keys is not null => Twice(field),
                "keys" => ReadKeys(body, ref reader, maxKeys, hub, arrays, out keys, out verdict),
                "cursor" when cursorSeen => Twice(field),
                "cursor" => ReadCursorText(ref reader, out cursorText, out cursorSeen),
                "waitMs" when waitMs is not null => Twice(field),
                "waitMs" => ReadWait(ref reader, out waitMs),
                _ => Skip(ref reader),
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        // The root object ended; Read() throws on trailing content (a second value or garbage).
        reader.Read();
        if (keys is null)
        {
            return SignalsProblem.InvalidRequest($"The field 'keys' is required: an array of the keys to watch, e.g. {Example}.");
        }

        return Complete(keys, cursorText, "The field 'cursor'", waitMs ?? 0, live: null, verdict, out request);
    }

    /// <summary>Reads a <c>GET</c> query: <c>key</c> (repeated, at least one), <c>cursor</c>, <c>waitMs</c> and <c>live</c> (each at most once); other parameters are ignored.</summary>
    /// <returns><see langword="null"/> when the query is a valid request; otherwise what is wrong with it.</returns>
    public static SignalsProblem? ReadQuery(QueryString query, int maxKeys, SignalHub hub, out ChangesRequest? request)
    {
        request = null;
        var keys = new List<SignalKey>();
        var distinct = new HashSet<SignalKey>();
        string? cursor = null;
        string? wait = null;
        string? live = null;
        foreach (QueryStringEnumerable.EncodedNameValuePair pair in new QueryStringEnumerable(query.Value))
        {
            ReadOnlySpan<char> name = pair.DecodeName().Span;
            if (name.SequenceEqual("key"))
            {
                ReadOnlySpan<char> value = pair.DecodeValue().Span;
                if (!KeyText.TryParse(value, hub, out SignalKey key, out string? error))
                {
                    return SignalsProblem.InvalidKey($"Invalid key {SignalsProblem.Quote(value.ToString())} in the 'key' query parameter: {error}");
                }

                if (AddKey(keys, distinct, key, maxKeys, "The 'key' query parameter") is { } problem)
                {
                    return problem;
                }

                continue;
            }

            string? parameter = name switch
            {
                "cursor" => "cursor",
                "waitMs" => "waitMs",
                "live" => "live",
                _ => null,
            };
            if (parameter is null)
            {
                continue;
            }

            string text = pair.DecodeValue().ToString();
            bool twice = parameter switch
            {
                "cursor" => Set(ref cursor, text),
                "waitMs" => Set(ref wait, text),
                _ => Set(ref live, text),
            };
            if (twice)
            {
                return SignalsProblem.InvalidRequest($"The query parameter '{parameter}' is given more than once.");
            }
        }

        if (keys.Count == 0)
        {
            return SignalsProblem.InvalidRequest("The query must name at least one key, e.g. '?key=chat:room:general&key=user:profile:123'.");
        }

        int waitMs = 0;
        if (wait is not null && !int.TryParse(wait, NumberStyles.None, CultureInfo.InvariantCulture, out waitMs))
        {
            return SignalsProblem.InvalidRequest($"The query parameter 'waitMs' must be an integer of milliseconds between 0 and {int.MaxValue}; got {SignalsProblem.Quote(wait)}.");
        }

        long? liveValue = null;
        if (live is not null)
        {
            if (!long.TryParse(live, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
            {
                return SignalsProblem.InvalidRequest($"The query parameter 'live' must be the 'live' of the previous answer, an integer >= 0; got {SignalsProblem.Quote(live)}.");
            }

            liveValue = parsed;
        }

        return Complete(keys, cursor, "The 'cursor' query parameter", waitMs, liveValue, verdict: null, out request);
    }

    private static SignalsProblem? Complete(
        IReadOnlyList<SignalKey> keys, string? cursorText, string cursorSource, int waitMs, long? live, CatalogVerdict? verdict, out ChangesRequest? request)
    {
        request = null;
        StreamCursor? cursor = null;
        if (cursorText is not null)
        {
            if (!StreamCursor.TryParse(cursorText, out StreamCursor parsed))
            {
                return SignalsProblem.InvalidCursor(
                    $"{cursorSource} must be the 'cursor' of an answer from this server: 'C' or 'C-H', integers with 0 <= C <= H <= {long.MaxValue}, optionally followed by '.E' (the server's epoch, lowercase letters and digits); got {SignalsProblem.Quote(cursorText)}.");
            }

            cursor = parsed;
        }

        request = new ChangesRequest(keys, cursor, waitMs, live, verdict);
        return null;
    }

    /// <summary>Reads the <c>keys</c> array the reader is at, from <paramref name="arrays"/> when it holds the same bytes; a new one is kept there.</summary>
    private static SignalsProblem? ReadKeys(
        ReadOnlySpan<byte> body,
        ref Utf8JsonReader reader,
        int maxKeys,
        SignalHub hub,
        ChangesKeyArrays? arrays,
        out IReadOnlyList<SignalKey>? keys,
        out CatalogVerdict? verdict)
    {
        keys = null;
        verdict = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return SignalsProblem.InvalidRequest($"The field 'keys' must be an array of key strings, e.g. {Example}.");
        }

        int start = checked((int)reader.TokenStartIndex);
        if (arrays is not null && arrays.TryGet(body[start..], out SignalKey[] kept, out int length, out verdict))
        {
            // The same bytes as an array read, checked and found valid before: go on past it with a reader in the state that array left.
            reader = new Utf8JsonReader(body[(start + length)..], isFinalBlock: true, AfterKeysArray);
            keys = kept;
            return null;
        }

        // Sized once from a first pass over the array: growing them key by key was half of a 1,000-key request's parse (profile in
        // bench/README.md).
        int capacity = CountEntries(reader, maxKeys + 1);
        var read = new List<SignalKey>(capacity);
        var distinct = new HashSet<SignalKey>(capacity);
        Span<char> buffer = stackalloc char[SignalKey.MaxByteCount];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return SignalsProblem.InvalidKey("Every entry of 'keys' must be a key string.");
            }

            // Unescaped, a string has at most as many characters as it has bytes.
            ReadOnlySpan<char> text = reader.ValueSpan.Length <= buffer.Length ? buffer[..reader.CopyString(buffer)] : reader.GetString();
            if (!KeyText.TryParse(text, hub, out SignalKey key, out string? error))
            {
                return SignalsProblem.InvalidKey($"Invalid key {SignalsProblem.Quote(text.ToString())} in 'keys': {error}");
            }

            if (AddKey(read, distinct, key, maxKeys, "'keys'") is { } problem)
            {
                return problem;
            }
        }

        if (read.Count == 0)
        {
            return SignalsProblem.InvalidRequest($"The field 'keys' must name at least one key, e.g. {Example}.");
        }

        keys = arrays is not null && arrays.TryKeep(body[start..checked((int)reader.BytesConsumed)], read, out SignalKey[] copy, out verdict) ? copy : read;
        return null;
    }

    /// <summary>
    /// Counts the entries of the array the reader is at, up to <paramref name="limit"/>. The reader is a copy (a checkpoint), so the
    /// caller's reader does not move; malformed JSON ends the count, and the caller's own pass reports it where it stands.
    /// </summary>
    private static int CountEntries(Utf8JsonReader reader, int limit)
    {
        int count = 0;
        try
        {
            while (count < limit && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                reader.Skip();
                count++;
            }
        }
        catch (JsonException)
        {
            // Counted so far is enough: the caller's pass stops at the same place with the error.
        }

        return count;
    }

    private static SignalsProblem? AddKey(List<SignalKey> keys, HashSet<SignalKey> distinct, SignalKey key, int maxKeys, string where)
    {
        if (!distinct.Add(key))
        {
            return SignalsProblem.InvalidRequest($"The key {SignalsProblem.Quote(key.Value)} appears more than once in {where}.");
        }

        if (keys.Count == maxKeys)
        {
            return SignalsProblem.TooManyKeys(where, maxKeys);
        }

        keys.Add(key);
        return null;
    }

    private static SignalsProblem? ReadCursorText(ref Utf8JsonReader reader, out string? cursor, out bool seen)
    {
        seen = true;
        cursor = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return SignalsProblem.InvalidCursor("The field 'cursor' must be the 'cursor' string of an answer from this server (or null), e.g. \"1842-1845\".");
        }

        cursor = reader.GetString();
        return null;
    }

    private static SignalsProblem? ReadWait(ref Utf8JsonReader reader, out int? waitMs)
    {
        waitMs = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            waitMs = 0;
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int value) || value < 0)
        {
            return SignalsProblem.InvalidRequest($"The field 'waitMs' must be a JSON integer of milliseconds between 0 and {int.MaxValue}.");
        }

        waitMs = value;
        return null;
    }

    private static SignalsProblem? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    /// <summary>Sets a parameter read once; <see langword="true"/> when it was already set.</summary>
    private static bool Set(ref string? slot, string value)
    {
        if (slot is not null)
        {
            return true;
        }

        slot = value;
        return false;
    }

    private static JsonReaderState StateAfter(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, new JsonReaderState(ReaderOptions));
        while (reader.Read())
        {
        }

        return reader.CurrentState;
    }

    private static SignalsProblem Twice(string field) => SignalsProblem.InvalidRequest($"The field '{field}' is given more than once.");
}
