using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Signals;

/// <summary>One declared signal: an entry of the <see cref="SignalCatalog"/>, emitted by the source generator.</summary>
/// <param name="Pattern">
/// The full key (<c>chat:rooms</c>) or template (<c>chat:room:{RoomId}</c>), namespace included. A placeholder is one whole segment
/// <c>{Name}</c> and stands for any one escaped argument.
/// </param>
/// <param name="ClrType">The full name of the declaring type, e.g. <c>Chat.ChatMessage</c>; nested types use <c>+</c>.</param>
/// <param name="Kind">Whether this is a fixed signal, a family, a value signal or a computed signal.</param>
/// <exception cref="ArgumentNullException"><paramref name="Pattern"/> is <see langword="null"/>.</exception>
/// <remarks>
/// Built with this constructor, every placeholder is described as <see cref="SignalPlaceholderKind.String"/> (any argument); the
/// generator uses <see cref="SignalDescriptor(string, string, SignalKind, IReadOnlyList{SignalPlaceholder})"/> to describe each one.
/// </remarks>
public sealed record SignalDescriptor(string Pattern, string ClrType, SignalKind Kind)
{
    /// <summary>Initializes a new descriptor whose template's placeholders are described one by one.</summary>
    /// <param name="pattern">The template (or key), namespace included.</param>
    /// <param name="clrType">The full name of the declaring type.</param>
    /// <param name="kind">Whether this is a fixed signal, a family or a value signal.</param>
    /// <param name="placeholders">One description per placeholder of <paramref name="pattern"/>, in template order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="placeholders"/> or one of them is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The placeholders' names are not those of <paramref name="pattern"/>, in order.</exception>
    public SignalDescriptor(string pattern, string clrType, SignalKind kind, IReadOnlyList<SignalPlaceholder> placeholders)
        : this(pattern, clrType, kind)
    {
        ArgumentNullException.ThrowIfNull(placeholders);
        string[] names = PlaceholderNames(pattern);
        if (!names.SequenceEqual(placeholders.Select(static p => p?.Name ?? throw new ArgumentNullException(nameof(placeholders))), StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The placeholders ({string.Join(", ", placeholders.Select(static p => p.Name))}) are not those of '{pattern}' ({string.Join(", ", names)}), in order.",
                nameof(placeholders));
        }

        Placeholders = [.. placeholders];
    }

    /// <summary>Gets the namespace: the pattern's first segment, e.g. <c>chat</c> (never a placeholder: the generator requires a literal).</summary>
    public string Namespace => Pattern.IndexOf(SignalKey.Separator, StringComparison.Ordinal) is var end and >= 0 ? Pattern[..end] : Pattern;

    /// <summary>Gets a value indicating whether <see cref="Pattern"/> holds placeholders (a family or a value family).</summary>
    public bool IsTemplate => Pattern.Contains('{', StringComparison.Ordinal);

    /// <summary>Gets a description of each placeholder of <see cref="Pattern"/>, in template order; empty for a fixed key.</summary>
    public IReadOnlyList<SignalPlaceholder> Placeholders { get; private init; } = [.. PlaceholderNames(Pattern).Select(static name => new SignalPlaceholder(name, SignalPlaceholderKind.String, "System.String"))];

    /// <summary>
    /// Gets the declared type of a value signal's value (<see cref="SignalKind.Value"/>), which values written over HTTP must deserialize
    /// to; <see langword="null"/> for another kind, or when the declaration does not say (a descriptor composed by hand without it, or a
    /// value type nested as <see langword="private"/> or <see langword="protected"/> in another type, which generated code cannot name).
    /// </summary>
    /// <remarks>Not part of the catalog's JSON: the value type is the declaring type, <see cref="ClrType"/>.</remarks>
    [JsonIgnore]
    public SignalValueType? ValueType { get; init; }

    /// <summary>
    /// Gets the full patterns of a computed signal's inputs (<see cref="SignalKind.Computed"/>, <c>[SignalComputed]</c>), or
    /// <see langword="null"/> for any other kind.
    /// </summary>
    /// <remarks>
    /// A key matching an input moves this signal's key: its arguments are copied by placeholder name (each placeholder of
    /// <see cref="Pattern"/> is one of every input's), see <see cref="SignalCatalog.AddComputedKeys(ISet{SignalKey})"/>. On the wire
    /// (<c>GET {prefix}/catalog</c>) as <c>"inputs"</c>, omitted when <see langword="null"/>.
    /// </remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>Tells whether a key belongs to this signal: equal to a fixed pattern, or matching a template segment by segment.</summary>
    /// <param name="key">The key to test.</param>
    /// <returns><see langword="true"/> when the key is this signal's key or one of its family's keys.</returns>
    public bool Matches(SignalKey key)
    {
        if (!IsTemplate)
        {
            return string.Equals(Pattern, key.Value, StringComparison.Ordinal);
        }

        ReadOnlySpan<char> pattern = Pattern;
        ReadOnlySpan<char> value = key.Value;
        while (true)
        {
            int patternEnd = pattern.IndexOf(SignalKey.Separator);
            int valueEnd = value.IndexOf(SignalKey.Separator);
            ReadOnlySpan<char> patternSegment = patternEnd < 0 ? pattern : pattern[..patternEnd];
            ReadOnlySpan<char> valueSegment = valueEnd < 0 ? value : value[..valueEnd];
            if (!IsPlaceholder(patternSegment) && !patternSegment.SequenceEqual(valueSegment))
            {
                return false;
            }

            if (patternEnd < 0 || valueEnd < 0)
            {
                return patternEnd < 0 && valueEnd < 0;
            }

            pattern = pattern[(patternEnd + 1)..];
            value = value[(valueEnd + 1)..];
        }
    }

    /// <summary>
    /// Tells whether the declaration can produce <paramref name="key"/>: it <see cref="Matches(SignalKey)">matches</see> the pattern, and
    /// each argument is one the generated key factory writes for a value of the placeholder's type (<see cref="SignalPlaceholder.Accepts(string, out string?)"/>).
    /// </summary>
    /// <param name="key">The key to test.</param>
    /// <param name="error">
    /// When it cannot, why: the first argument's problem naming the expected form and the placeholder
    /// (<c>'paid' is not a member of OrderStatus: Pending, Paid, Shipped (placeholder {Status} of 'shop:status:{Status}')</c>), or that
    /// the key does not match the pattern; otherwise <see langword="null"/>.
    /// </param>
    /// <returns><see langword="true"/> when the key is one this declaration produces.</returns>
    public bool Accepts(SignalKey key, [NotNullWhen(false)] out string? error)
    {
        if (!Matches(key))
        {
            error = $"'{key}' does not match '{Pattern}'.";
            return false;
        }

        // Segment by segment over the key's text: a sync can name thousands of keys, so nothing is split or allocated unless an argument
        // is escaped or wrong.
        ReadOnlySpan<char> pattern = Pattern;
        ReadOnlySpan<char> value = key.Value;
        int placeholder = 0;
        while (placeholder < Placeholders.Count)
        {
            int patternEnd = pattern.IndexOf(SignalKey.Separator);
            int valueEnd = value.IndexOf(SignalKey.Separator);
            ReadOnlySpan<char> patternSegment = patternEnd < 0 ? pattern : pattern[..patternEnd];
            if (IsPlaceholder(patternSegment))
            {
                ReadOnlySpan<char> argument = valueEnd < 0 ? value : value[..valueEnd];
                if (!Placeholders[placeholder++].Accepts(argument.Contains('%') ? SignalKey.UnescapeArgument(argument) : argument, out string? argumentError))
                {
                    error = $"{argumentError} (placeholder {patternSegment} of '{Pattern}').";
                    return false;
                }
            }

            if (patternEnd < 0)
            {
                break;
            }

            pattern = pattern[(patternEnd + 1)..];
            value = value[(valueEnd + 1)..];
        }

        error = null;
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(SignalDescriptor? other)
        => other is not null && Pattern == other.Pattern && ClrType == other.ClrType && Kind == other.Kind && Placeholders.SequenceEqual(other.Placeholders)
           && Equals(ValueType, other.ValueType) && (Inputs ?? []).SequenceEqual(other.Inputs ?? [], StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Pattern, ClrType, Kind);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Pattern = {Pattern}, ClrType = {ClrType}, Kind = {Kind}");
        if (Placeholders.Count > 0)
        {
            builder.Append(", Placeholders = [").AppendJoin(", ", Placeholders).Append(']');
        }

        if (ValueType is not null)
        {
            builder.Append(", ValueType = ").Append(ValueType);
        }

        if (Inputs is not null)
        {
            builder.Append(", Inputs = [").AppendJoin(", ", Inputs).Append(']');
        }

        return true;
    }

    private static bool IsPlaceholder(ReadOnlySpan<char> segment) => segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';

    private static string[] PlaceholderNames(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern, nameof(Pattern));
        return [.. pattern.Split(SignalKey.Separator).Where(static s => IsPlaceholder(s)).Select(static s => s[1..^1])];
    }
}
