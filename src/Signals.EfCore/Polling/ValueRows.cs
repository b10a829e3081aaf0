using System.Text.Json;

namespace Signals.EntityFrameworkCore;

/// <summary>What the in-process value commands share: reading a stored row, and the increment's arithmetic.</summary>
internal static class ValueRows
{
    /// <summary>Reads a stored row as the key's value and version.</summary>
    /// <param name="key">The key.</param>
    /// <param name="row">The row.</param>
    /// <returns>The value.</returns>
    public static SignalValue<JsonElement> ToValue(SignalKey key, SignalValueEntry row)
    {
        using JsonDocument document = JsonDocument.Parse(row.Value);
        return new SignalValue<JsonElement>(new SignalVersion(key, row.Version, row.Hash, row.UpdatedAt), document.RootElement.Clone());
    }

    /// <summary>Gets the computation of <see cref="IValueCommands.IncrementAsync"/>: the stored value (or the default) with the sum.</summary>
    /// <param name="key">The key, for the error.</param>
    /// <param name="propertyName">The integer property.</param>
    /// <param name="delta">The amount.</param>
    /// <param name="defaultValue">The object to start from when nothing is stored.</param>
    /// <returns>
    /// The computation; it throws <see cref="InvalidOperationException"/> when the stored value has no integer <paramref name="propertyName"/>,
    /// and <see cref="OverflowException"/> when the sum does not fit in 64 bits.
    /// </returns>
    public static Func<JsonElement?, JsonElement> Increment(SignalKey key, string propertyName, long delta, JsonElement defaultValue)
        => stored => SignalValueIncrement.TryApply(stored ?? defaultValue, propertyName, delta, out JsonElement next)
            ? next
            : throw new InvalidOperationException($"The value of '{key}' is not an object with an integer property '{propertyName}'.");
}
