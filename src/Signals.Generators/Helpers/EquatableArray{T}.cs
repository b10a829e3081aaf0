using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace Signals.Generators.Helpers;

/// <summary>
/// An immutable array that compares by its elements, so pipeline models that hold one stay value-equatable
/// (<see cref="System.Collections.Immutable.ImmutableArray{T}"/> compares by reference, which would defeat incremental caching).
/// </summary>
/// <typeparam name="T">The element type; must itself be value-equatable.</typeparam>
internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    private readonly T[]? _array;

    /// <summary>Initializes a new instance that owns <paramref name="items"/>, which the caller must not change afterwards.</summary>
    private EquatableArray(T[] items) => _array = items.Length == 0 ? null : items;

    /// <summary>Gets an empty array.</summary>
    public static EquatableArray<T> Empty => default;

    /// <summary>Gets the element at <paramref name="index"/>.</summary>
    public T this[int index] => (_array ?? Array.Empty<T>())[index];

    /// <summary>Gets the number of elements.</summary>
    public int Count => _array?.Length ?? 0;

    /// <summary>Gets the elements as a span.</summary>
    public ReadOnlySpan<T> AsSpan() => _array.AsSpan();

    /// <inheritdoc/>
    public bool Equals(EquatableArray<T> other) => AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (T item in AsSpan())
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>Wraps a new array that nobody else holds.</summary>
    internal static EquatableArray<T> Own(T[] items) => new(items);

    /// <summary>Returns an enumerator over the elements.</summary>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_array ?? Array.Empty<T>())).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Compares two arrays by their elements.</summary>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    /// <summary>Compares two arrays by their elements.</summary>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
}

/// <summary>Creates <see cref="EquatableArray{T}"/> instances.</summary>
internal static class EquatableArray
{
    /// <summary>Wraps the elements of <paramref name="items"/> in an <see cref="EquatableArray{T}"/>.</summary>
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
        where T : IEquatable<T> => EquatableArray<T>.Own(items.ToArray());
}
