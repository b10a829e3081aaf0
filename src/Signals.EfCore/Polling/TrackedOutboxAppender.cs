using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The neutral provider's appender: one tracked <see cref="SignalOutboxEntry"/> per key in the same save (so the same transaction),
/// detached again when the save ends. Works on every EF Core provider; costs one more statement per key, read-back ids, and EF
/// Core's transaction around the save.
/// </summary>
internal sealed class TrackedOutboxAppender : IOutboxAppender
{
    private readonly List<SignalOutboxEntry> _staged = [];

    /// <inheritdoc/>
    public bool Wrote => _staged.Count > 0;

    /// <inheritdoc/>
    public void Stage(DbContext context, HashSet<SignalKey> keys) => Track(context, keys);

    /// <inheritdoc/>
    public int Unstage(DbContext context)
    {
        int rows = _staged.Count;
        foreach (SignalOutboxEntry row in _staged)
        {
            EntityEntry<SignalOutboxEntry> entry = context.Entry(row);
            if (entry.State != EntityState.Detached)
            {
                entry.State = EntityState.Detached;
            }
        }

        _staged.Clear();
        return rows;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Relational providers: provider-neutral <c>INSERT</c> statements on the context's connection. Others (no SQL, no transactions):
    /// tracked rows saved by a save of their own, then detached.
    /// </remarks>
    public async ValueTask WriteNowAsync(DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        if (ContextFacts.Of(context).IsRelational)
        {
            await OutboxInsertStatements.ExecuteAsync(context, OutboxInsertStatements.Build(context, keys), async, cancellationToken).ConfigureAwait(false);
            return;
        }

        Track(context, keys);
        try
        {
            _ = async
                ? await context.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken).ConfigureAwait(false)
                : context.SaveChanges(acceptAllChangesOnSuccess: true);
        }
        finally
        {
            Unstage(context);
        }
    }

    private void Track(DbContext context, IEnumerable<SignalKey> keys)
    {
        DbSet<SignalOutboxEntry> outbox = context.Set<SignalOutboxEntry>();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        foreach (SignalKey key in keys)
        {
            var row = new SignalOutboxEntry { Key = key.Value, CreatedAt = now };
            outbox.Add(row);
            _staged.Add(row);
        }
    }
}
