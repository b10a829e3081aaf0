using System.Diagnostics.CodeAnalysis;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// The <c>keys</c> arrays of recent cursor-form polls, as their exact UTF-8 bytes, each with the keys read from it: a client polls with
/// the same array every time, so a body that starts its array with the same bytes as one read before has the same keys, already
/// checked against the key grammar and for duplicates, and <see cref="ChangesRequestReader"/> takes them without reading the array again;
/// and once <see cref="SignalKeyGate"/> found them all declared, it does not check them against the same declarations again
/// (<see cref="CatalogVerdict"/>).
/// </summary>
/// <remarks>
/// <para>Only what the bytes alone decide is reused: the JSON tokens, the key grammar, distinctness and the key limit (one per app).
/// Every request's keys still go through <see cref="SignalKeyGate"/> (tenancy, authorization, the sources, and the catalog whenever
/// its declarations changed or a tenant scopes the keys). A hit is an exact byte comparison with the kept array, never a hash alone.</para>
/// <para>Bounded: <see cref="Slots"/> arrays of <see cref="MinKeys"/> keys or more and at most <see cref="MaxBytes"/> bytes each (smaller
/// arrays read in a few microseconds; larger ones would hold too much); an array read twice in a row in its slot replaces the one kept
/// there, so arrays each read once cost no copy. Reads and writes take no lock: an entry is immutable and a slot is replaced whole.</para>
/// </remarks>
internal sealed class ChangesKeyArrays
{
    /// <summary>The fewest keys an array must hold to be kept.</summary>
    public const int MinKeys = 32;

    /// <summary>The most bytes an array may take to be kept.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>How many arrays are kept at most.</summary>
    public const int Slots = 64;

    /// <summary>How many bytes at each end of an array's head choose its slot.</summary>
    private const int SampledBytes = 64;

    private readonly Entry?[] _slots = new Entry?[Slots];

    /// <summary>The hash of the last array read per slot, kept or not: an array is kept on its second reading.</summary>
    private readonly int[] _seen = new int[Slots];

    /// <summary>Finds a kept array that the body continues with.</summary>
    /// <param name="rest">The body from the array's <c>[</c> to its end.</param>
    /// <param name="keys">The array's keys, in order, when the method returns <see langword="true"/>.</param>
    /// <param name="length">The array's length in bytes (its <c>]</c> included), when the method returns <see langword="true"/>.</param>
    /// <param name="verdict">Whether the catalog accepted the array's keys, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="rest"/> starts with the exact bytes of a kept array.</returns>
    public bool TryGet(ReadOnlySpan<byte> rest, out SignalKey[] keys, out int length, [NotNullWhen(true)] out CatalogVerdict? verdict)
    {
        if (Volatile.Read(ref _slots[(int)((uint)Hash(rest) % Slots)]) is { } entry && rest.StartsWith(entry.Bytes))
        {
            keys = entry.Keys;
            length = entry.Bytes.Length;
            verdict = entry.Verdict;
            return true;
        }

        keys = [];
        length = 0;
        verdict = null;
        return false;
    }

    /// <summary>
    /// Keeps an array that was read and checked, when it is within the bounds and was seen before (the same length and ends in its
    /// slot): an array seen once, as from a client that polls with arrays of its own each time, costs no copy.
    /// </summary>
    /// <param name="array">The array's exact bytes, from its <c>[</c> to its <c>]</c>.</param>
    /// <param name="keys">The keys read from it: valid and distinct.</param>
    /// <param name="kept">The kept copy of <paramref name="keys"/>, when the method returns <see langword="true"/>.</param>
    /// <param name="verdict">Where to record whether the catalog accepted the keys, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the array is kept.</returns>
    public bool TryKeep(ReadOnlySpan<byte> array, List<SignalKey> keys, out SignalKey[] kept, [NotNullWhen(true)] out CatalogVerdict? verdict)
    {
        kept = [];
        verdict = null;
        if (keys.Count < MinKeys || array.Length > MaxBytes)
        {
            return false;
        }

        int hash = Hash(array);
        int slot = (int)((uint)hash % Slots);
        if (Interlocked.Exchange(ref _seen[slot], hash) != hash)
        {
            return false;
        }

        var entry = new Entry(array.ToArray(), [.. keys]);
        Volatile.Write(ref _slots[slot], entry);
        (kept, verdict) = (entry.Keys, entry.Verdict);
        return true;
    }

    /// <summary>
    /// A hash of the array <paramref name="rest"/> starts with, from the bytes up to its first <c>]</c> (the array's end, unless a key
    /// holds one): the same for the array alone and for a body that continues with it. Only picks the slot; a hit compares every byte.
    /// </summary>
    private static int Hash(ReadOnlySpan<byte> rest)
    {
        int close = rest.IndexOf((byte)']');
        ReadOnlySpan<byte> head = close < 0 ? rest : rest[..(close + 1)];
        var hash = default(HashCode);
        hash.Add(head.Length);
        hash.AddBytes(head[..Math.Min(SampledBytes, head.Length)]);
        hash.AddBytes(head[Math.Max(0, head.Length - SampledBytes)..]);
        return hash.ToHashCode();
    }

    private sealed class Entry(byte[] bytes, SignalKey[] keys)
    {
        public byte[] Bytes { get; } = bytes;

        public SignalKey[] Keys { get; } = keys;

        public CatalogVerdict Verdict { get; } = new();
    }
}
