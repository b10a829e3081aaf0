namespace Signals.EntityFrameworkCore;

/// <summary>
/// Reads committed outbox rows for one dispatcher — PostgreSQL over Npgsql, or any provider through EF Core — and keeps the
/// dispatcher's position in the change feed. Not thread-safe for reads (one read loop); <see cref="CleanupAsync"/> and
/// <see cref="ReadCompactedThroughAsync"/> may run concurrently with them.
/// </summary>
internal interface IOutboxSource : IAsyncDisposable
{
    /// <summary>Gets a short name of the dispatcher kind, for logs and health reports.</summary>
    string Kind { get; }

    /// <summary>
    /// Positions the source at the head of the change feed, reading no key's state (the hub reads keys when asked), and returns the
    /// newest rows, so the dispatcher knows the keys a change still in flight can be late behind, and the highest compacted version (the
    /// resume floor); its time does not grow with the keys stored.
    /// </summary>
    /// <param name="publish">Receives each row.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The progress after the read.</returns>
    Task<OutboxProgress> LoadAsync(Action<OutboxRow> publish, CancellationToken cancellationToken);

    /// <summary>
    /// Reads every row committed since the previous read (and compacted state rows written since), never skipping one that
    /// was not visible before, and returning each outbox row once (after the rows <see cref="LoadAsync"/> returned).
    /// </summary>
    /// <param name="publish">Receives each row.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The progress after the read.</returns>
    /// <exception cref="InvalidOperationException"><see cref="LoadAsync"/> has not run.</exception>
    Task<OutboxProgress> ReadChangesAsync(Action<OutboxRow> publish, CancellationToken cancellationToken);

    /// <summary>
    /// Writes one outbox row per late change, in a transaction of its own: the same key, a new (higher) id, <paramref name="lateChanges"/>'
    /// <see cref="OutboxRow.CreatedAt"/>, no hash, and <see cref="SignalOutboxEntry.ReannouncedId"/> set to the late row's id.
    /// </summary>
    /// <param name="lateChanges">Changes that committed after a newer version of their key had been published; at least one.</param>
    /// <param name="cancellationToken">Cancels the write (nothing is written).</param>
    /// <returns>How many rows were written.</returns>
    Task<int> ReannounceAsync(IReadOnlyList<OutboxRow> lateChanges, CancellationToken cancellationToken);

    /// <summary>
    /// Compacts outbox rows staged before <paramref name="cutoff"/> into the state table (latest version per key) and deletes them,
    /// at most <paramref name="batchSize"/> of the oldest rows; safe to run on several instances at once.
    /// </summary>
    /// <param name="cutoff">Rows staged before this time go.</param>
    /// <param name="batchSize">The most rows to remove.</param>
    /// <param name="cancellationToken">Cancels the cleanup (its transaction rolls back).</param>
    /// <returns>How many rows were removed (0 also when another instance was cleaning up).</returns>
    Task<int> CleanupAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);

    /// <summary>Reads the highest version that retention compacted (0 for none): the oldest cursor a client can resume from.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version.</returns>
    Task<long> ReadCompactedThroughAsync(CancellationToken cancellationToken);
}
