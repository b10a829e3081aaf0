using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Signals;

/// <summary>
/// One placeholder of a template (<c>{Status}</c> in <c>shop:status:{Status}</c>): its name, what its argument is, and whether the
/// declaration can produce a given argument. Emitted by the source generator into each <see cref="SignalDescriptor"/>.
/// </summary>
/// <remarks>
/// A single-value wrapper (a strongly typed id such as <c>readonly record struct OrderId(Guid Value)</c>) is described by what it holds:
/// its key argument is the wrapped value's.
/// </remarks>
public sealed record SignalPlaceholder
{
    private static readonly string[] NoMembers = [];

    /// <summary>Initializes a new placeholder.</summary>
    /// <param name="name">The placeholder's name, as in the template (<c>Status</c> for <c>{Status}</c>).</param>
    /// <param name="kind">What the argument is.</param>
    /// <param name="typeName">
    /// The full CLR name of the formatted type (<c>System.Int32</c>, <c>Shop.OrderStatus</c>; nested types use <c>+</c>): for an
    /// <see cref="SignalPlaceholderKind.Integer"/> one of the integer types, which gives the range.
    /// </param>
    /// <param name="isNullable">Whether the property may be <see langword="null"/>, in which case the instance has no key of this template.</param>
    /// <param name="enumMembers">The enum's member names, for <see cref="SignalPlaceholderKind.Enum"/>; otherwise empty or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="typeName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="name"/> is empty; <paramref name="kind"/> is not defined; an integer's <paramref name="typeName"/> is not an integer
    /// type; or members are given for another kind than <see cref="SignalPlaceholderKind.Enum"/>.
    /// </exception>
    public SignalPlaceholder(string name, SignalPlaceholderKind kind, string typeName, bool isNullable = false, IReadOnlyList<string>? enumMembers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(typeName);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentException($"'{kind}' is not a placeholder kind.", nameof(kind));
        }

        if (kind != SignalPlaceholderKind.Enum && enumMembers is { Count: > 0 })
        {
            throw new ArgumentException($"Only an enum placeholder has members; '{name}' is {kind}.", nameof(enumMembers));
        }

        Name = name;
        Kind = kind;
        TypeName = typeName;
        IsNullable = isNullable;
        EnumMembers = enumMembers is null ? NoMembers : [.. enumMembers];
        if (kind == SignalPlaceholderKind.Integer)
        {
            (Minimum, Maximum) = IntegerRange(typeName)
                ?? throw new ArgumentException($"'{typeName}' is not an integer type (System.SByte to System.UInt128, System.IntPtr, System.UIntPtr).", nameof(typeName));
        }
    }

    /// <summary>Gets the placeholder's name, as in the template (<c>Status</c> for <c>{Status}</c>).</summary>
    public string Name { get; }

    /// <summary>Gets what the argument is.</summary>
    public SignalPlaceholderKind Kind { get; }

    /// <summary>Gets the full CLR name of the formatted type, e.g. <c>System.Guid</c> or <c>Shop.OrderStatus</c>.</summary>
    public string TypeName { get; }

    /// <summary>Gets a value indicating whether the property may be <see langword="null"/>, in which case the instance has no key of this template.</summary>
    public bool IsNullable { get; }

    /// <summary>Gets the enum's member names in declaration order, for <see cref="SignalPlaceholderKind.Enum"/>; otherwise empty.</summary>
    public IReadOnlyList<string> EnumMembers { get; }

    /// <summary>Gets the smallest value of an <see cref="SignalPlaceholderKind.Integer"/>'s type, or <see langword="null"/> for another kind.</summary>
    /// <remarks>On the wire it is a string, so that JavaScript reads 64- and 128-bit bounds exactly.</remarks>
    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Int128? Minimum { get; }

    /// <summary>Gets the largest value of an <see cref="SignalPlaceholderKind.Integer"/>'s type, or <see langword="null"/> for another kind.</summary>
    /// <remarks>On the wire it is a string, so that JavaScript reads 64- and 128-bit bounds exactly.</remarks>
    [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UInt128? Maximum { get; }

    /// <summary>Tells whether the generated key factory can produce <paramref name="argument"/> for this placeholder.</summary>
    /// <param name="argument">The argument, unescaped (as <see cref="SignalKey.GetSegments"/> returns it).</param>
    /// <param name="error">
    /// When it cannot, why, naming the expected form: <c>'paid' is not a member of OrderStatus: Pending, Paid, Shipped</c>,
    /// <c>'abc' is not an Int32: expected an integer from -2147483648 to 2147483647 …</c>; otherwise <see langword="null"/>.
    /// </param>
    /// <returns><see langword="true"/> when some value of the declared type formats to exactly <paramref name="argument"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="argument"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The forms are those of <see cref="SignalKey.FormatArgument{T}(T)"/>, which the generated factories call; only the canonical
    /// spelling is accepted (<c>007</c>, <c>+7</c>, <c>True</c> or an upper-case Guid are not what a factory writes). An enum accepts its
    /// member names; a value outside the declared members (which formats as a number) or a combination of <c>[Flags]</c> members is not
    /// accepted.
    /// </remarks>
    public bool Accepts(string argument, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(argument);
        return Accepts(argument.AsSpan(), out error);
    }

    /// <summary>The check of <see cref="Accepts(string, out string?)"/> on a span: allocates only to describe a rejected argument.</summary>
    internal bool Accepts(ReadOnlySpan<char> argument, [NotNullWhen(false)] out string? error)
    {
        bool accepted = Kind switch
        {
            SignalPlaceholderKind.String => !argument.IsEmpty,
            SignalPlaceholderKind.Integer => IsCanonicalInteger(argument, Minimum!.Value, Maximum!.Value),
            SignalPlaceholderKind.Boolean => argument is "true" or "false",
            SignalPlaceholderKind.Guid => System.Guid.TryParseExact(argument, "D", out Guid guid) && IsFormattedAs(guid, argument, "D"),
            SignalPlaceholderKind.Enum => IsMember(argument),
            SignalPlaceholderKind.DateOnly => System.DateOnly.TryParseExact(argument, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            SignalPlaceholderKind.DateTimeOffset => System.DateTimeOffset.TryParseExact(argument, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset value)
                && IsFormattedAs(value, argument, "O"),
            _ => throw new InvalidOperationException($"Unknown placeholder kind {Kind}."),
        };
        error = accepted ? null : Describe(argument.ToString());
        return accepted;
    }

    /// <inheritdoc/>
    public bool Equals(SignalPlaceholder? other)
        => other is not null && Name == other.Name && Kind == other.Kind && TypeName == other.TypeName && IsNullable == other.IsNullable
           && EnumMembers.SequenceEqual(other.EnumMembers, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Kind, TypeName, IsNullable, EnumMembers.Count);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Name = {Name}, Kind = {Kind}, TypeName = {TypeName}, IsNullable = {IsNullable}");
        if (EnumMembers.Count > 0)
        {
            builder.Append(", EnumMembers = [").AppendJoin(", ", EnumMembers).Append(']');
        }

        return true;
    }

    /// <summary>The type's simple name, as messages show it: <c>OrderStatus</c> for <c>Shop.Order+OrderStatus</c>.</summary>
    private string ShortTypeName => TypeName[(TypeName.LastIndexOfAny(['.', '+']) + 1)..];

    private static string Article(string typeName) => typeName is "Int16" or "Int32" or "Int64" or "Int128" or "IntPtr" or "SByte" ? "an" : "a";

    /// <summary>Why <paramref name="argument"/> is not one this placeholder accepts, naming the expected form.</summary>
    private string Describe(string argument)
    {
        string type = ShortTypeName;
        return Kind switch
        {
            SignalPlaceholderKind.String => "an argument must not be empty",
            SignalPlaceholderKind.Integer => string.Create(CultureInfo.InvariantCulture,
                $"'{argument}' is not {Article(type)} {type}: expected an integer from {Minimum} to {Maximum}, with no '+' or leading zeros"),
            SignalPlaceholderKind.Boolean => $"'{argument}' is not a Boolean: expected 'true' or 'false'",
            SignalPlaceholderKind.Guid => $"'{argument}' is not a Guid: expected its 'D' form in lower case, e.g. 0f8fad5b-d9cb-469f-a165-70867728950e",
            SignalPlaceholderKind.Enum => $"'{argument}' is not a member of {type}: {string.Join(", ", EnumMembers)}",
            SignalPlaceholderKind.DateOnly => $"'{argument}' is not a DateOnly: expected yyyy-MM-dd, e.g. 2024-05-17",
            _ => $"'{argument}' is not a DateTimeOffset: expected the ISO 8601 round-trip form ('O'), e.g. 2024-05-17T08:30:00.0000000+02:00",
        };
    }

    private bool IsMember(ReadOnlySpan<char> argument)
    {
        foreach (string member in EnumMembers)
        {
            if (argument.SequenceEqual(member))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="value"/> formats (invariant culture) to exactly <paramref name="text"/>.</summary>
    private static bool IsFormattedAs<T>(T value, ReadOnlySpan<char> text, string format)
        where T : ISpanFormattable
    {
        Span<char> formatted = stackalloc char[64];
        return value.TryFormat(formatted, out int written, format, CultureInfo.InvariantCulture) && formatted[..written].SequenceEqual(text);
    }

    /// <summary>
    /// Whether <paramref name="text"/> is an integer in the range, written as the invariant culture writes it: an optional <c>-</c> and
    /// digits, with no leading zero and no <c>-0</c>.
    /// </summary>
    private static bool IsCanonicalInteger(ReadOnlySpan<char> text, Int128 minimum, UInt128 maximum)
    {
        bool negative = text.StartsWith('-');
        ReadOnlySpan<char> digits = negative ? text[1..] : text;
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9') || (digits[0] == '0' && (digits.Length > 1 || negative)))
        {
            return false;
        }

        return negative
            ? Int128.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out Int128 value) && value >= minimum
            : UInt128.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out UInt128 magnitude) && magnitude <= maximum;
    }

    private static (Int128 Minimum, UInt128 Maximum)? IntegerRange(string typeName) => typeName switch
    {
        "System.SByte" => (sbyte.MinValue, (UInt128)sbyte.MaxValue),
        "System.Byte" => (byte.MinValue, byte.MaxValue),
        "System.Int16" => (short.MinValue, (UInt128)short.MaxValue),
        "System.UInt16" => (ushort.MinValue, ushort.MaxValue),
        "System.Int32" => (int.MinValue, (UInt128)int.MaxValue),
        "System.UInt32" => (uint.MinValue, uint.MaxValue),
        "System.Int64" => (long.MinValue, (UInt128)long.MaxValue),
        "System.UInt64" => (ulong.MinValue, ulong.MaxValue),
        "System.IntPtr" => (nint.MinValue, (UInt128)(long)nint.MaxValue),
        "System.UIntPtr" => (nuint.MinValue, (ulong)nuint.MaxValue),
        "System.Int128" => (Int128.MinValue, (UInt128)Int128.MaxValue),
        "System.UInt128" => (Int128.Zero, UInt128.MaxValue),
        _ => null,
    };
}
