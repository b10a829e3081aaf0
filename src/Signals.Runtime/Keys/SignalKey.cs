using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Serialization;

namespace Signals;

/// <summary>
/// The canonical, case-sensitive name of a signal, such as <c>chat:room:general</c>.
/// </summary>
/// <remarks>
/// <para>
/// A key is one or more non-empty segments joined by <c>:</c>. The first segment is the key's
/// <see cref="Namespace"/> and must be a literal (<c>[A-Za-z0-9_.-]+</c>). Later segments are literals or
/// family arguments. A family argument may hold any text: <c>:</c>, <c>%</c> and control characters
/// (including CR and LF) are percent-encoded as <c>%XX</c>, the character's code in two upper-case
/// hexadecimal digits, so that no argument can forge another key or break out of a wire format.
/// <see cref="Parse(string)"/> accepts only that canonical form, so every key has exactly one spelling.
/// </para>
/// <para>A key is at most <see cref="MaxByteCount"/> bytes in UTF-8.</para>
/// </remarks>
[JsonConverter(typeof(SignalKeyJsonConverter))]
public readonly struct SignalKey : IEquatable<SignalKey>, IComparable<SignalKey>
{
    /// <summary>The maximum length of a key, in UTF-8 bytes: 512.</summary>
    public const int MaxByteCount = SignalKeyGrammar.MaxByteCount;

    /// <summary>The character that separates segments: <c>:</c>.</summary>
    public const char Separator = SignalKeyGrammar.Separator;

    private readonly string? _value;

    private SignalKey(string value) => _value = value;

    /// <summary>Gets the key's canonical string, or an empty string for <c>default(SignalKey)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Gets a value indicating whether this is <c>default(SignalKey)</c>, which names no signal.</summary>
    public bool IsDefault => _value is null;

    /// <summary>Gets the first segment, the unit of isolation and authorization (e.g. <c>chat</c> in <c>chat:room:general</c>).</summary>
    public string Namespace
    {
        get
        {
            string value = Value;
            int separator = value.IndexOf(Separator, StringComparison.Ordinal);
            return separator < 0 ? value : value[..separator];
        }
    }

    /// <summary>Parses a key in its canonical form.</summary>
    /// <param name="value">The key, e.g. <c>chat:room:general</c> or <c>chat:room:a%3Ab</c>.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// <paramref name="value"/> breaks the grammar; the message names the offending character and its zero-based position.
    /// </exception>
    public static SignalKey Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SignalKeyGrammar.Validate(value) is { } error ? throw new FormatException(error) : new SignalKey(value);
    }

    /// <summary>Tries to parse a key in its canonical form.</summary>
    /// <param name="value">The candidate key.</param>
    /// <param name="key">The parsed key, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out SignalKey key) => TryParse(value, out key, out _);

    /// <summary>Tries to parse a key in its canonical form, and says why it is not one.</summary>
    /// <param name="value">The candidate key.</param>
    /// <param name="key">The parsed key, or <c>default</c> when parsing failed.</param>
    /// <param name="error">Why <paramref name="value"/> is not a key (naming the character and position), or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out SignalKey key, [NotNullWhen(false)] out string? error)
    {
        error = value is null ? "A signal key must not be null." : SignalKeyGrammar.Validate(value);
        key = error is null ? new SignalKey(value!) : default;
        return error is null;
    }

    /// <summary>Creates a key from literal segments, such as <c>chat:messages</c>.</summary>
    /// <param name="literal">One or more literal segments joined by <c>:</c>; each is <c>[A-Za-z0-9_.-]+</c>.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="literal"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="literal"/> is not a valid literal key.</exception>
    public static SignalKey Create(string literal) => Create(literal, []);

    /// <summary>Creates a family key from literal segments followed by escaped arguments.</summary>
    /// <param name="prefix">One or more literal segments joined by <c>:</c> (e.g. <c>chat:room</c>); each is <c>[A-Za-z0-9_.-]+</c>.</param>
    /// <param name="arguments">
    /// The family arguments, already formatted (see <see cref="FormatArgument{T}(T)"/>); each becomes one segment, escaped.
    /// </param>
    /// <returns>The key, e.g. <c>chat:room:general</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prefix"/> or an argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="prefix"/> is not literal, an argument is empty or not well-formed UTF-16, or the key exceeds <see cref="MaxByteCount"/> bytes.
    /// </exception>
    public static SignalKey Create(string prefix, params ReadOnlySpan<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (SignalKeyGrammar.ValidateLiteral(prefix) is { } prefixError)
        {
            throw new ArgumentException(prefixError, nameof(prefix));
        }

        return Compose(prefix, arguments, nameof(prefix));
    }

    /// <summary>
    /// Creates a key that extends this one with literal segments followed by escaped arguments, for family templates whose literal
    /// segments come after a placeholder (<c>user:{UserId}:room:{RoomId}</c>).
    /// </summary>
    /// <param name="literal">One or more literal segments joined by <c>:</c> (e.g. <c>room</c>); each is <c>[A-Za-z0-9_.-]+</c>.</param>
    /// <param name="arguments">
    /// The family arguments that follow <paramref name="literal"/>, already formatted (see <see cref="FormatArgument{T}(T)"/>); each becomes one segment, escaped.
    /// </param>
    /// <returns>
    /// The key, e.g. <c>chat:user:42:room:general</c> for <c>SignalKey.Create("chat:user", "42").Append("room", "general")</c>.
    /// This key is left unchanged.
    /// </returns>
    /// <exception cref="InvalidOperationException">This key is <c>default(SignalKey)</c>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="literal"/> or an argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="literal"/> is not literal, an argument is empty or not well-formed UTF-16, or the key exceeds <see cref="MaxByteCount"/> bytes.
    /// </exception>
    public SignalKey Append(string literal, params ReadOnlySpan<string> arguments)
    {
        if (_value is null)
        {
            throw new InvalidOperationException("Cannot append to default(SignalKey): it names no signal. Start from SignalKey.Create.");
        }

        ArgumentNullException.ThrowIfNull(literal);
        if (SignalKeyGrammar.ValidateLiteral(literal) is { } literalError)
        {
            throw new ArgumentException(literalError, nameof(literal));
        }

        return Compose(string.Concat(_value, ":", literal), arguments, nameof(literal));
    }

    /// <summary>Throws when a key argument is <c>default(SignalKey)</c>, which names no signal.</summary>
    /// <param name="key">The argument.</param>
    /// <param name="paramName">The argument's name (filled in by the compiler).</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    internal static void ThrowIfDefault(SignalKey key, [CallerArgumentExpression(nameof(key))] string? paramName = null)
    {
        if (key.IsDefault)
        {
            throw new ArgumentException("A key is required; default(SignalKey) names no signal.", paramName);
        }
    }

    /// <summary>Returns the distinct keys of an argument, throwing when one is <c>default(SignalKey)</c>.</summary>
    /// <param name="keys">The argument.</param>
    /// <param name="action">What the caller does with them, for the message (e.g. <c>invalidate</c>, <c>watch</c>).</param>
    /// <param name="paramName">The argument's name (filled in by the compiler).</param>
    /// <returns>The keys, each once, in first-seen order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A key is <c>default(SignalKey)</c>.</exception>
    internal static SignalKey[] DistinctOrThrow(IEnumerable<SignalKey> keys, string action, [CallerArgumentExpression(nameof(keys))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(keys, paramName);
        SignalKey[] distinct = [.. keys.Distinct()];
        if (Array.Exists(distinct, static key => key.IsDefault))
        {
            throw new ArgumentException($"Cannot {action} default(SignalKey): it names no signal.", paramName);
        }

        return distinct;
    }

    /// <summary>Formats a family argument culture-invariantly, as the generated key factories do.</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="value">The argument.</param>
    /// <returns>
    /// Strings as they are; <see cref="Guid"/> as <c>D</c> (<c>0f8fad5b-d9cb-469f-a165-70867728950e</c>); <see cref="bool"/> as
    /// <c>true</c>/<c>false</c>; <see cref="DateOnly"/> as <c>yyyy-MM-dd</c>; <see cref="DateTime"/> and <see cref="DateTimeOffset"/>
    /// as ISO 8601 round-trip (<c>O</c>); enums by name; other <see cref="IFormattable"/> values with the invariant culture.
    /// The result is not yet escaped: <see cref="Create(string, ReadOnlySpan{string})"/> escapes it.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static string FormatArgument<T>(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            string text => text,
            Guid guid => guid.ToString("D", CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime dateTime => dateTime.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset dateTimeOffset => dateTimeOffset.ToString("O", CultureInfo.InvariantCulture),
            Enum enumValue => enumValue.ToString(),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
    }

    /// <summary>Splits the key into its segments, with family arguments unescaped.</summary>
    /// <returns>The segments, e.g. <c>["chat", "room", "a:b"]</c> for <c>chat:room:a%3Ab</c>.</returns>
    public IReadOnlyList<string> GetSegments()
    {
        string[] segments = Value.Split(Separator);
        for (int i = 0; i < segments.Length; i++)
        {
            if (segments[i].Contains('%', StringComparison.Ordinal))
            {
                segments[i] = UnescapeArgument(segments[i]);
            }
        }

        return segments;
    }

    /// <inheritdoc/>
    public bool Equals(SignalKey other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SignalKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Compares keys by their canonical strings, ordinally.</summary>
    /// <param name="other">The key to compare with.</param>
    /// <returns>A negative number, zero or a positive number as this key sorts before, with or after <paramref name="other"/>.</returns>
    public int CompareTo(SignalKey other) => string.CompareOrdinal(Value, other.Value);

    /// <summary>Returns the key's canonical string.</summary>
    /// <returns><see cref="Value"/>.</returns>
    public override string ToString() => Value;

    /// <summary>Compares two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when both have the same canonical string.</returns>
    public static bool operator ==(SignalKey left, SignalKey right) => left.Equals(right);

    /// <summary>Compares two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when the canonical strings differ.</returns>
    public static bool operator !=(SignalKey left, SignalKey right) => !left.Equals(right);

    /// <summary>Orders two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts before <paramref name="right"/>.</returns>
    public static bool operator <(SignalKey left, SignalKey right) => left.CompareTo(right) < 0;

    /// <summary>Orders two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts before or equal to <paramref name="right"/>.</returns>
    public static bool operator <=(SignalKey left, SignalKey right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts after <paramref name="right"/>.</returns>
    public static bool operator >(SignalKey left, SignalKey right) => left.CompareTo(right) > 0;

    /// <summary>Orders two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts after or equal to <paramref name="right"/>.</returns>
    public static bool operator >=(SignalKey left, SignalKey right) => left.CompareTo(right) >= 0;

    /// <summary>Appends escaped arguments to a validated literal head and checks the result's length.</summary>
    private static SignalKey Compose(string head, ReadOnlySpan<string> arguments, string headParameterName)
    {
        if (arguments.IsEmpty)
        {
            return SignalKeyGrammar.CheckLength(head) is { } headError ? throw new ArgumentException(headError, headParameterName) : new SignalKey(head);
        }

        var builder = new StringBuilder(head, head.Length + (arguments.Length * 16));
        foreach (string argument in arguments)
        {
            builder.Append(Separator);
            AppendEscaped(builder, argument);
        }

        string value = builder.ToString();
        return SignalKeyGrammar.CheckLength(value) is { } error ? throw new ArgumentException(error, nameof(arguments)) : new SignalKey(value);
    }

    private static void AppendEscaped(StringBuilder builder, string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Length == 0)
        {
            throw new ArgumentException("A family argument must not be empty: an empty segment would not be a key.", nameof(argument));
        }

        for (int i = 0; i < argument.Length; i++)
        {
            char c = argument[i];
            if (SignalKeyGrammar.MustEscape(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else if (char.IsHighSurrogate(c) && i + 1 < argument.Length && char.IsLowSurrogate(argument[i + 1]))
            {
                builder.Append(c).Append(argument[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"A family argument is not well-formed UTF-16: lone surrogate U+{(int)c:X4} at position {i}."),
                    nameof(argument));
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    /// <summary>Unescapes one segment of a valid key (each <c>%XX</c> back to its character).</summary>
    internal static string UnescapeArgument(ReadOnlySpan<char> segment)
    {
        var builder = new StringBuilder(segment.Length);
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '%')
            {
                builder.Append((char)int.Parse(segment.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                builder.Append(segment[i]);
            }
        }

        return builder.ToString();
    }
}
