using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>What the in-process value commands share: reading a stored row, the increment's arithmetic, and the computed keys' rows.</summary>
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

    /// <summary>
    /// Adds (tracked) the outbox rows of the computed signals a value key moves (<see cref="SignalCatalog.AddComputedKeys"/>), so the
    /// caller's next <c>SaveChanges</c> writes them in the value write's transaction.
    /// </summary>
    /// <param name="context">The context of the write.</param>
    /// <param name="key">The value key written.</param>
    /// <param name="now">The write's time.</param>
    /// <returns>The rows added; empty when the key is no computed signal's input.</returns>
    public static SignalOutboxEntry[] AddComputedRows(DbContext context, SignalKey key, DateTimeOffset now)
    {
        SignalKey[] keys = SignalCatalog.Registered.WithComputedKeys([key]);
        SignalOutboxEntry[] rows = [.. keys.Skip(1).Select(computed => new SignalOutboxEntry { Key = computed.Value, CreatedAt = now })];
        context.AddRange(rows);
        return rows;
    }
}
