namespace Signals.Client;

/// <summary>The argument checks every <see cref="ISignalsClient"/> makes before it sends or subscribes anything, so both
/// implementations reject bad input the same way.</summary>
internal static class ClientArguments
{
    /// <summary>The longest wait a sync may ask for (servers cap it much lower: 29 s by default).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromHours(24);

    /// <exception cref="ArgumentNullException"><paramref name="known"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A key is <c>default(SignalKey)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A version is negative, or <paramref name="wait"/> is negative or longer than <see cref="MaxWait"/>.</exception>
    public static void CheckSync(IReadOnlyDictionary<SignalKey, long> known, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(wait, MaxWait);
        foreach ((SignalKey key, long version) in known)
        {
            if (key.IsDefault)
            {
                throw new ArgumentException("Cannot sync default(SignalKey).", nameof(known));
            }

            if (version < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(known), version, $"The known version of '{key}' must be 0 (never seen) or more.");
            }
        }
    }

    /// <returns>The distinct keys, in the order given.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty or holds <c>default(SignalKey)</c>.</exception>
    public static SignalKey[] CheckWatch(IEnumerable<SignalKey> keys)
    {
        SignalKey[] distinct = SignalKey.DistinctOrThrow(keys, "watch");
        if (distinct.Length == 0)
        {
            throw new ArgumentException("A watch needs at least one key.", nameof(keys));
        }

        return distinct;
    }
}
