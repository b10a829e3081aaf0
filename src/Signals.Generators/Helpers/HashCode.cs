using System.Collections.Generic;

namespace Signals.Generators.Helpers;

/// <summary>
/// A minimal <c>System.HashCode</c> for netstandard2.0 (FNV-1a style mixing over <see cref="EqualityComparer{T}.Default"/> hashes).
/// Only stability within one process matters: hashes feed the generator's incremental cache, never persisted output.
/// </summary>
internal struct HashCode
{
    private const int Seed = unchecked((int)2166136261);
    private const int Prime = 16777619;

    private int _value;
    private bool _started;

    /// <summary>Mixes the hash of <paramref name="value"/> into the running hash.</summary>
    public void Add<T>(T value)
    {
        if (!_started)
        {
            _value = Seed;
            _started = true;
        }

        int itemHash = value is null ? 0 : EqualityComparer<T>.Default.GetHashCode(value);
        _value = unchecked((_value ^ itemHash) * Prime);
    }

    /// <summary>Returns the combined hash.</summary>
    public readonly int ToHashCode() => _value;
}
