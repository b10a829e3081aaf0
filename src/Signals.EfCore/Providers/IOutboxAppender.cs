using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// How the outbox rows of a save join it (the provider seam's write side): one scoped instance per <see cref="DbContext"/> in EF
/// Core's internal service provider, registered by <see cref="OutboxProvider.ApplyServices"/>.
/// </summary>
/// <remarks>
/// The neutral appender (<see cref="TrackedOutboxAppender"/>) adds one tracked <see cref="SignalOutboxEntry"/> per key to the save;
/// PostgreSQL's appends one <c>INSERT</c> to the save's own command. Not thread-safe (neither is the context).
/// </remarks>
internal interface IOutboxAppender
{
    /// <summary>
    /// Stages the rows of the save that is starting (in <c>SavingChanges</c>, once all keys are known): one per key, but for a computed
    /// key the transaction has already moved (the neutral appender asks <see cref="TransactionComputedKeys"/>; PostgreSQL's insert skips
    /// it in SQL).
    /// </summary>
    /// <param name="context">The saving context; its model maps the outbox.</param>
    /// <param name="keys">The save's distinct keys, at least one; the set is not changed until the save ends.</param>
    /// <param name="async">Whether to run asynchronously (the look-up of a transaction's rows); <see langword="false"/> completes synchronously.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>A task that completes when the rows are staged.</returns>
    ValueTask StageAsync(DbContext context, HashSet<SignalKey> keys, bool async, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the save that just succeeded, before <see cref="Unstage"/>: tells whether it wrote the rows <see cref="StageAsync"/> staged,
    /// and has the transaction remember the rows of its computed keys (the neutral appender).
    /// </summary>
    /// <param name="context">The saving context.</param>
    /// <returns><see langword="true"/> when the save wrote outbox rows.</returns>
    bool Saved(DbContext context);

    /// <summary>Forgets what <see cref="StageAsync"/> staged: the save ended, failed, or is about to run again.</summary>
    /// <param name="context">The saving context.</param>
    /// <returns>How many rows of the save's result were the appender's own (tracked rows), to subtract from it.</returns>
    int Unstage(DbContext context);

    /// <summary>
    /// Writes one row per key now, on the context's connection and in its current or ambient transaction: keys known only after the
    /// data was saved (database-generated values).
    /// </summary>
    /// <param name="context">The context; its model maps the outbox.</param>
    /// <param name="keys">The distinct keys, at least one.</param>
    /// <param name="async">Whether to run asynchronously; <see langword="false"/> completes synchronously.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows are written (not committed, inside a transaction).</returns>
    ValueTask WriteNowAsync(DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken);
}
