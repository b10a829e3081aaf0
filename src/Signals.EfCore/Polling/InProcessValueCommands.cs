using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The value commands that read the stored row and compute the new value in process (every provider without SQL of its own:
/// <see cref="RelationalValueCommands"/>, <see cref="ChangeTrackerValueCommands"/>). The read, the set and the increment are the same
/// on each; what differs is how a write is kept atomic, which each one supplies in <see cref="WriteAsync"/> and
/// <see cref="DeleteAsync"/>.
/// </summary>
internal abstract class InProcessValueCommands : IValueCommands
{
    /// <inheritdoc/>
    public async Task<SignalValue<JsonElement>?> GetAsync(DbContext context, SignalKey key, CancellationToken cancellationToken)
        => await ReadAsync(context, key, cancellationToken).ConfigureAwait(false) is { } row ? ToValue(key, row) : null;

    /// <inheritdoc/>
    public Task<ValueWrite?> SetAsync(DbContext context, SignalKey key, JsonElement value, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
        => WriteAsync(context, key, now, expectedVersion, _ => value, cancellationToken);

    /// <inheritdoc/>
    public async Task<ValueWrite> IncrementAsync(
        DbContext context, SignalKey key, string propertyName, long delta, JsonElement defaultValue, DateTimeOffset now, CancellationToken cancellationToken)
        => (await WriteAsync(context, key, now, expectedVersion: null, Increment(key, propertyName, delta, defaultValue), cancellationToken)
            .ConfigureAwait(false))!;

    /// <inheritdoc/>
    public abstract Task<SignalVersion?> DeleteAsync(DbContext context, SignalKey key, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the stored row, computes the new value from it and writes it with its outbox row, atomically: the stored value is what
    /// <paramref name="compute"/> saw when the write commits.
    /// </summary>
    /// <param name="context">A context of the store's own.</param>
    /// <param name="key">The key.</param>
    /// <param name="now">The timestamp of the change.</param>
    /// <param name="expectedVersion">The version the key must be at (0: nothing stored), or <see langword="null"/> for any.</param>
    /// <param name="compute">The new value from the stored one (<see langword="null"/> when nothing is stored); may throw, writing nothing.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The outcome (unchanged when the new value's hash is the stored one's), or <see langword="null"/> when the key is not at <paramref name="expectedVersion"/>.</returns>
    protected abstract Task<ValueWrite?> WriteAsync(
        DbContext context, SignalKey key, DateTimeOffset now, long? expectedVersion, Func<JsonElement?, JsonElement> compute, CancellationToken cancellationToken);

    /// <summary>Reads a key's stored row, untracked.</summary>
    /// <param name="context">The context.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The row, or <see langword="null"/> when nothing is stored.</returns>
    protected static Task<SignalValueEntry?> ReadAsync(DbContext context, SignalKey key, CancellationToken cancellationToken)
        => context.Set<SignalValueEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.Key == key.Value, cancellationToken);

    /// <summary>Reads a stored row as the key's value and version.</summary>
    /// <param name="key">The key.</param>
    /// <param name="row">The row.</param>
    /// <returns>The value.</returns>
    protected static SignalValue<JsonElement> ToValue(SignalKey key, SignalValueEntry row)
    {
        using JsonDocument document = JsonDocument.Parse(row.Value);
        return new SignalValue<JsonElement>(new SignalVersion(key, row.Version, row.Hash, row.UpdatedAt), document.RootElement.Clone());
    }

    /// <summary>
    /// Adds (tracked) the outbox rows of the computed signals a value key moves (<see cref="SignalCatalog.AddComputedKeys"/>), so the
    /// caller's next <c>SaveChanges</c> writes them in the value write's transaction.
    /// </summary>
    /// <param name="context">The context of the write.</param>
    /// <param name="key">The value key written.</param>
    /// <param name="now">The write's time.</param>
    /// <returns>The rows added; empty when the key is no computed signal's input.</returns>
    protected static SignalOutboxEntry[] AddComputedRows(DbContext context, SignalKey key, DateTimeOffset now)
    {
        SignalKey[] keys = SignalCatalog.Registered.WithComputedKeys([key]);
        SignalOutboxEntry[] rows = [.. keys.Skip(1).Select(computed => new SignalOutboxEntry { Key = computed.Value, CreatedAt = now })];
        context.AddRange(rows);
        return rows;
    }

    /// <summary>Gets the computation of <see cref="IValueCommands.IncrementAsync"/>: the stored value (or the default) with the sum.</summary>
    /// <returns>
    /// The computation; it throws <see cref="InvalidOperationException"/> when the stored value has no integer <paramref name="propertyName"/>,
    /// and <see cref="OverflowException"/> when the sum does not fit in 64 bits.
    /// </returns>
    private static Func<JsonElement?, JsonElement> Increment(SignalKey key, string propertyName, long delta, JsonElement defaultValue)
        => stored => SignalValueIncrement.TryApply(stored ?? defaultValue, propertyName, delta, out JsonElement next)
            ? next
            : throw new InvalidOperationException($"The value of '{key}' is not an object with an integer property '{propertyName}'.");
}
