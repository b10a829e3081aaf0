using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The <see cref="ISignalValueStore"/> and <see cref="ISignalStore"/> of an app with the EF Core outbox: values live in
/// <c>signals_values</c>, and every change writes an outbox row in the same transaction, so versions are outbox ids like every other
/// change, reach every instance through the dispatchers, and carry the value's <see cref="SignalValueHash"/>.
/// </summary>
/// <remarks>
/// <para>
/// Registered by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c> (for the first context type registered) in place of the in-memory
/// stores. Each call uses a context of its own (from <see cref="IDbContextFactory{TContext}"/> when registered, otherwise a new scope)
/// and its own transaction, then publishes the new version to this instance's hub at once and wakes the dispatchers.
/// </para>
/// <para>
/// Values: on PostgreSQL the value is <c>jsonb</c>, writes of one key are serialized by an advisory lock, and
/// <see cref="IncrementAsync"/> computes the new count inside the database (the PostgreSQL provider's value commands). On every other
/// relational provider (SQLite included) a write is a transaction that reads, computes in process, and updates the row only where it
/// still holds the version it read, starting over when a concurrent writer got there first. Either way concurrent increments from any
/// number of instances never lose one. On the EF Core in-memory provider the store computes in process, one write at a time.
/// </para>
/// <para>
/// <see cref="TrySetAsync"/> compares the stored version with the expected one inside the same transaction as the write (under the
/// advisory lock on PostgreSQL, held to the conditional update elsewhere), so a compare-and-set never overwrites a concurrent write.
/// </para>
/// </remarks>
/// <typeparam name="TContext">The application's context type.</typeparam>
/// <param name="scopes">Creates the store's contexts.</param>
/// <param name="signaler">Wakes this application's dispatcher of the context type (and through it the other instances).</param>
/// <param name="hub">This instance's hub.</param>
/// <param name="time">The clock of <see cref="SignalVersion.UpdatedAt"/>.</param>
internal sealed class EfCoreSignalStore<TContext>(IServiceScopeFactory scopes, OutboxSignaler signaler, SignalHub hub, TimeProvider time)
    : ISignalValueStore, ISignalStore
    where TContext : DbContext
{
    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A key is <c>default(SignalKey)</c>; nothing is written.</exception>
    public async ValueTask<IReadOnlyList<SignalVersion>> InvalidateAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
    {
        SignalKey[] distinct = SignalKey.DistinctOrThrow(keys, "invalidate");

        if (distinct.Length == 0)
        {
            return [];
        }

        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            // The computed keys the given ones move follow them, in the same save; the caller gets the given keys' versions.
            SignalKey[] all = SignalCatalog.Registered.WithComputedKeys(distinct);
            DateTimeOffset now = Now();
            SignalOutboxEntry[] rows = Array.ConvertAll(all, key => new SignalOutboxEntry { Key = key.Value, CreatedAt = now });
            lease.Context.AddRange(rows);
            await lease.Context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            SignalVersion[] versions = [.. rows.Select((row, i) => new SignalVersion(all[i], row.Id, null, now))];
            Published(versions);
            return versions.Length == distinct.Length ? versions : versions[..distinct.Length];
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SignalValue<JsonElement>?> GetAsync(SignalKey key, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            return await Commands(lease.Context).GetAsync(lease.Context, key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public async ValueTask<SignalValue<JsonElement>> SetAsync(SignalKey key, JsonElement value, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            ValueWrite write = (await Commands(lease.Context).SetAsync(lease.Context, key, value, expectedVersion: null, Now(), cancellationToken).ConfigureAwait(false))!;
            return Published(write);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public async ValueTask<SignalValue<JsonElement>?> TrySetAsync(SignalKey key, JsonElement value, long expectedVersion, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            ValueWrite? write = await Commands(lease.Context).SetAsync(lease.Context, key, value, expectedVersion, Now(), cancellationToken).ConfigureAwait(false);
            return write is null ? null : Published(write);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// <paramref name="key"/> is <c>default(SignalKey)</c>, or <paramref name="defaultValue"/> is not an object whose
    /// <paramref name="propertyName"/> is an integer; nothing is written.
    /// </exception>
    /// <exception cref="OverflowException">The new count does not fit in 64 bits; nothing is written.</exception>
    /// <exception cref="InvalidOperationException">The stored value has no integer <paramref name="propertyName"/>; nothing is written.</exception>
    public async ValueTask<SignalValue<JsonElement>> IncrementAsync(
        SignalKey key, string propertyName, long delta, JsonElement defaultValue, CancellationToken cancellationToken = default)
    {
        SignalKey.ThrowIfDefault(key);
        ArgumentException.ThrowIfNullOrEmpty(propertyName);
        if (!SignalValueIncrement.TryApply(defaultValue, propertyName, 0, out _))
        {
            throw new ArgumentException($"The default value must be an object with an integer property '{propertyName}'.", nameof(defaultValue));
        }

        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            ValueWrite write = await Commands(lease.Context)
                .IncrementAsync(lease.Context, key, propertyName, delta, defaultValue, Now(), cancellationToken)
                .ConfigureAwait(false);
            return Published(write);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<bool> DeleteAsync(SignalKey key, CancellationToken cancellationToken = default)
        => DeleteCoreAsync(key, expectedVersion: null, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(SignalKey)</c>.</exception>
    public ValueTask<bool> TryDeleteAsync(SignalKey key, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        return DeleteCoreAsync(key, expectedVersion, cancellationToken);
    }

    private async ValueTask<bool> DeleteCoreAsync(SignalKey key, long? expectedVersion, CancellationToken cancellationToken)
    {
        SignalKey.ThrowIfDefault(key);
        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            if (await Commands(lease.Context).DeleteAsync(lease.Context, key, expectedVersion, Now(), cancellationToken).ConfigureAwait(false) is not { } version)
            {
                return false;
            }

            Published([version]);
            return true;
        }
    }

    /// <summary>The time of a change, to the microsecond: what the database stores, so a version read back equals the one returned.</summary>
    private DateTimeOffset Now()
    {
        DateTimeOffset now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>The value commands of the provider the context's options chose.</summary>
    private static IValueCommands Commands(DbContext context) => SignalsOptionsExtension.ProviderOf(context).GetValueCommands(context);

    private SignalValue<JsonElement> Published(ValueWrite write)
    {
        if (write.Changed)
        {
            Published([write.Value.State]);
        }

        return write.Value;
    }

    /// <summary>Publishes committed versions to this instance's hub and wakes the dispatchers (a <c>pg_notify</c> for the others).</summary>
    private void Published(SignalVersion[] versions)
    {
        hub.Publish(versions);
        signaler.OnCommitted();
    }
}
