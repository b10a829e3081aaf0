using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.EntityFrameworkCore;

/// <summary>Reads the outbox through EF Core LINQ, so it works on any provider (the polling dispatcher).</summary>
/// <typeparam name="TContext">The application's context type.</typeparam>
/// <param name="scopes">Creates a scope (and a context) per read.</param>
internal sealed class EfCoreOutboxSource<TContext>(IServiceScopeFactory scopes) : IOutboxSource
    where TContext : DbContext
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxRow>> LoadLatestAsync(CancellationToken cancellationToken)
    {
        ContextLease<TContext> lease = await ContextLease<TContext>.CreateAsync(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            IQueryable<SignalOutboxEntry> outbox = lease.Context.Set<SignalOutboxEntry>().AsNoTracking();
            IQueryable<long> latestIds = outbox.GroupBy(e => e.Key).Select(g => g.Max(e => e.Id));
            return await outbox
                .Where(e => latestIds.Contains(e.Id))
                .OrderBy(e => e.Id)
                .Select(e => new OutboxRow(e.Id, e.Key, e.CreatedAt))
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxRow>> ReadAfterAsync(long position, int limit, CancellationToken cancellationToken)
    {
        ContextLease<TContext> lease = await ContextLease<TContext>.CreateAsync(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            return await lease.Context.Set<SignalOutboxEntry>()
                .AsNoTracking()
                .Where(e => e.Id > position)
                .OrderBy(e => e.Id)
                .Take(limit)
                .Select(e => new OutboxRow(e.Id, e.Key, e.CreatedAt))
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
