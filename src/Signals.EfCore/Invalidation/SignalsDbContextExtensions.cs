using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Signals;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>Extension methods that record signal version bumps on a <see cref="DbContext"/> outside <c>SaveChanges</c>.</summary>
public static class SignalsDbContextExtensions
{
    /// <summary>
    /// Records a version bump of each key in the outbox now, inside the context's current transaction — for changes that bypass the
    /// change tracker, such as <c>ExecuteUpdate</c>, <c>ExecuteDelete</c> or raw SQL.
    /// </summary>
    /// <param name="context">The context, on a relational provider, mapping the outbox (<c>modelBuilder.AddSignalsOutbox()</c>).</param>
    /// <param name="keys">The keys that changed; duplicates are recorded once. None: nothing happens.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the outbox rows are written (not committed, when a transaction is current).</returns>
    /// <remarks>
    /// <para>
    /// The rows join the transaction the context is in: one begun with <c>Database.BeginTransaction()</c> (they commit or roll back with
    /// it, and a rollback to a savepoint taken before drops them) or a <c>TransactionScope</c> the connection is enlisted in. Without a
    /// transaction they are written in one of their own. The dispatchers are woken once the rows have committed; nothing is sent when
    /// they roll back. The computed signals the keys move are bumped with them, and a computed key that this transaction already bumped
    /// and whose outbox row is still there is not bumped again: on PostgreSQL whoever bumped it (a save, another call, a capture trigger);
    /// on SQLite a save or call of the same EF Core transaction (<c>BeginTransaction</c>, or its <see cref="System.Data.Common.DbTransaction"/>
    /// shared through <c>UseTransaction</c>). Call it in the same transaction as the bulk update, so both commit together:
    /// </para>
    /// <para>
    /// Keys of a namespace mapped to the instance-local in-memory store (<c>MapNamespace(…, ns =&gt; ns.UseInMemory())</c>) never touch
    /// the database: that store records and publishes them at once, outside the transaction, to this instance's subscribers only.
    /// A key of a namespace mapped to another context's database (<c>MapNamespace(…, ns =&gt; ns.UseEntityFrameworkCore&lt;TOther&gt;())</c>)
    /// belongs in that context's outbox: the call throws before writing anything.
    /// </para>
    /// <code>
    /// await using var transaction = await db.Database.BeginTransactionAsync(ct);
    /// await db.Messages.Where(m =&gt; m.RoomId == "general").ExecuteDeleteAsync(ct);
    /// await db.InvalidateSignalsAsync([ChatMessage.Keys.Room("general")], ct);
    /// await transaction.CommitAsync(ct);
    /// </code>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keys"/> holds <c>default(SignalKey)</c>; nothing is written.</exception>
    /// <exception cref="NotSupportedException">
    /// The provider is not relational (EF Core in-memory): it has no transactions to join. Use <see cref="ISignalStore"/> there.
    /// </exception>
    /// <exception cref="InvalidOperationException">The model has no outbox, or a key is on another context's version line; nothing is written.</exception>
    public static Task InvalidateSignalsAsync(this DbContext context, IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
        => InvalidateAsync(context, keys, async: true, cancellationToken).AsTask();

    /// <summary>
    /// Records a version bump of each key in the outbox now, inside the context's current transaction — for changes that bypass the
    /// change tracker, such as <c>ExecuteUpdate</c>, <c>ExecuteDelete</c> or raw SQL.
    /// </summary>
    /// <param name="context">The context, on a relational provider, mapping the outbox (<c>modelBuilder.AddSignalsOutbox()</c>).</param>
    /// <param name="keys">The keys that changed; duplicates are recorded once. None: nothing happens.</param>
    /// <remarks>See <see cref="InvalidateSignalsAsync"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keys"/> holds <c>default(SignalKey)</c>; nothing is written.</exception>
    /// <exception cref="NotSupportedException">The provider is not relational (EF Core in-memory).</exception>
    /// <exception cref="InvalidOperationException">The model has no outbox, or a key is on another context's version line; nothing is written.</exception>
    public static void InvalidateSignals(this DbContext context, IEnumerable<SignalKey> keys)
    {
        ValueTask invalidated = InvalidateAsync(context, keys, async: false, CancellationToken.None);
        Debug.Assert(invalidated.IsCompleted, "async: false completes synchronously.");
        invalidated.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Writes the rows (in a transaction of their own when they take several statements and none is current), then has the dispatchers
    /// woken once they commit; one procedure for both paths (<paramref name="async"/> <see langword="false"/> completes synchronously).
    /// </summary>
    private static async ValueTask InvalidateAsync(DbContext context, IEnumerable<SignalKey> keys, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        SignalKey[] distinct = SignalKey.DistinctOrThrow(keys, "invalidate");
        if (context.GetService<IDbContextOptions>().FindExtension<SignalsOptionsExtension>()?.Namespaces is { } namespaces)
        {
            // Before anything is written: a key of another context's namespace fails the whole call.
            foreach (SignalKey key in distinct)
            {
                namespaces.ThrowIfNotOurs(key, invalidation: true);
            }

            if (namespaces.LocalStore is { } local && distinct.Any(namespaces.Namespaces.IsLocal))
            {
                // Keys of instance-local namespaces never touch the database: their store tells this instance's subscribers at once (they
                // are not part of the transaction), the others are written below.
                ValueTask<IReadOnlyList<SignalVersion>> told = local.InvalidateAsync([.. distinct.Where(namespaces.Namespaces.IsLocal)], cancellationToken);
                if (async)
                {
                    _ = await told.ConfigureAwait(false);
                }
                else
                {
                    Debug.Assert(told.IsCompleted, "The in-memory store completes synchronously.");
                    _ = told.GetAwaiter().GetResult();
                }

                distinct = [.. distinct.Where(k => !namespaces.Namespaces.IsLocal(k))];
            }
        }

        if (Prepare(context, distinct) is not { } toWrite)
        {
            return;
        }

        OutboxProvider provider = SignalsOptionsExtension.ProviderOf(context);
        if (toWrite.Length <= OutboxInsertStatements.KeysPerStatement || ContextFacts.InTransaction(context))
        {
            await provider.WriteNowAsync(context, toWrite, async, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // More keys than one statement carries and no transaction: one of our own, so the keys commit together.
            IExecutionStrategy strategy = context.Database.CreateExecutionStrategy();
            if (async)
            {
                await strategy.ExecuteAsync(
                    (context, provider, toWrite),
                    static async (state, ct) =>
                    {
                        IDbContextTransaction transaction = await state.context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                        await using (transaction.ConfigureAwait(false))
                        {
                            await state.provider.WriteNowAsync(state.context, state.toWrite, async: true, ct).ConfigureAwait(false);
                            await transaction.CommitAsync(ct).ConfigureAwait(false);
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                strategy.Execute(
                    (context, provider, toWrite),
                    static state =>
                    {
                        using IDbContextTransaction transaction = state.context.Database.BeginTransaction();
                        ValueTask done = state.provider.WriteNowAsync(state.context, state.toWrite, async: false, CancellationToken.None);
                        Debug.Assert(done.IsCompleted, "async: false completes synchronously.");
                        done.GetAwaiter().GetResult();
                        transaction.Commit();
                    });
            }
        }

        // A context without UseSignals() has no waker: nobody is woken, the safety poll delivers.
        context.GetInfrastructure().GetService<OutboxCommitWaker>()?.WakeWhenCommitted(context);
    }

    /// <summary>Validates the arguments and adds the computed keys the given ones move (written by the same statements, so they commit with them).</summary>
    /// <returns>The keys to write, or <see langword="null"/> when there are none.</returns>
    /// <exception cref="NotSupportedException">The provider is not relational.</exception>
    private static SignalKey[]? Prepare(DbContext context, SignalKey[] distinct)
    {
        if (distinct.Length == 0)
        {
            return null;
        }

        if (!context.Database.IsRelational())
        {
            throw new NotSupportedException(
                $"InvalidateSignals needs a relational provider: it writes into the current transaction, and '{context.Database.ProviderName}' " +
                "has none. Use ISignalStore.InvalidateAsync, which writes through a context of its own.");
        }

        return SignalCatalog.Registered.WithComputedKeys(distinct);
    }
}
