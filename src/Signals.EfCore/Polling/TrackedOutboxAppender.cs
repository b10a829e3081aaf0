using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The neutral provider's appender: one tracked <see cref="SignalOutboxEntry"/> per key in the same save (so the same transaction),
/// detached again when the save ends. Works on every EF Core provider; costs one more statement per key, read-back ids, and EF
/// Core's transaction around the save.
/// </summary>
/// <remarks>
/// Inside an EF Core transaction a computed key moves once: the save leaves out a computed key whose row of this transaction is still in
/// the database, and remembers the rows it wrote for computed keys once it succeeded (<see cref="TransactionComputedKeys"/>).
/// </remarks>
/// <param name="provider">The provider whose <see cref="OutboxProvider.WriteNowAsync"/> writes the rows of keys known after the data.</param>
internal sealed class TrackedOutboxAppender(OutboxProvider provider) : IOutboxAppender
{
    private readonly List<(SignalKey Key, SignalOutboxEntry Row)> _staged = [];
    private TransactionComputedKeys? _transaction;
    private HashSet<SignalKey>? _computed;

    /// <summary>Registers the appender of a provider that keeps tracked rows (scoped, in EF Core's internal service provider).</summary>
    /// <param name="services">The internal service collection being built.</param>
    /// <param name="provider">The provider.</param>
    public static void AddTo(IServiceCollection services, OutboxProvider provider)
        => services.TryAddScoped<IOutboxAppender>(_ => new TrackedOutboxAppender(provider));

    /// <inheritdoc/>
    public async ValueTask StageAsync(DbContext context, HashSet<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        _transaction = TransactionComputedKeys.Of(context, keys, out _computed);
        Track(context, _transaction is null ? keys : await _transaction.WithoutMovedAsync(context, keys, async, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    /// <remarks>The rows have their ids now: the transaction remembers those of computed keys.</remarks>
    public bool Saved(DbContext context)
    {
        if (_transaction is { } transaction)
        {
            foreach ((SignalKey key, SignalOutboxEntry row) in _staged)
            {
                if (_computed!.Contains(key))
                {
                    transaction.Remember(key, row.Id);
                }
            }
        }

        return _staged.Count > 0;
    }

    /// <inheritdoc/>
    public int Unstage(DbContext context)
    {
        int rows = _staged.Count;
        foreach ((_, SignalOutboxEntry row) in _staged)
        {
            EntityEntry<SignalOutboxEntry> entry = context.Entry(row);
            if (entry.State != EntityState.Detached)
            {
                entry.State = EntityState.Detached;
            }
        }

        _staged.Clear();
        _transaction = null;
        _computed = null;
        return rows;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Relational providers: the provider's <see cref="OutboxProvider.WriteNowAsync"/> on the context's connection. Others (no SQL, no
    /// transactions): tracked rows saved by a save of their own, then detached.
    /// </remarks>
    public async ValueTask WriteNowAsync(DbContext context, IReadOnlyCollection<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        if (ContextFacts.Of(context).IsRelational)
        {
            await provider.WriteNowAsync(context, keys, async, cancellationToken).ConfigureAwait(false);
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
            _staged.Add((key, row));
        }
    }
}
