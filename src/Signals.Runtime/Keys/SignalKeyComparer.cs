namespace Signals;

/// <summary>
/// Compares keys ordinally, as <see cref="SignalKey.Equals(SignalKey)"/> does, and lets a dictionary of keys be searched by a key's text
/// (<see cref="IAlternateEqualityComparer{TAlternate, T}"/>) without a string being made for it.
/// </summary>
internal sealed class SignalKeyComparer : IEqualityComparer<SignalKey>, IAlternateEqualityComparer<ReadOnlySpan<char>, SignalKey>
{
    /// <summary>Gets the comparer.</summary>
    public static SignalKeyComparer Instance { get; } = new();

    /// <inheritdoc/>
    public bool Equals(SignalKey x, SignalKey y) => x.Equals(y);

    /// <inheritdoc/>
    public int GetHashCode(SignalKey obj) => obj.GetHashCode();

    /// <inheritdoc/>
    public bool Equals(ReadOnlySpan<char> alternate, SignalKey other) => alternate.SequenceEqual(other.Value);

    /// <inheritdoc/>
    /// <remarks>The same hash as <see cref="SignalKey.GetHashCode"/> (ordinal string hashing) for equal text.</remarks>
    public int GetHashCode(ReadOnlySpan<char> alternate) => string.GetHashCode(alternate);

    /// <inheritdoc/>
    /// <exception cref="FormatException"><paramref name="alternate"/> is not a key in its canonical form.</exception>
    public SignalKey Create(ReadOnlySpan<char> alternate) => SignalKey.Parse(alternate.ToString());
}
