using Microsoft.EntityFrameworkCore.Storage;
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
    /// they roll back. Call it in the same transaction as the bulk update, so both commit together:
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
    /// <exception cref="InvalidOperationException">The model has no outbox.</exception>
    public static async Task InvalidateSignalsAsync(this DbContext context, IEnumerable<SignalKey> keys, CancellationToken cancellationToken = default)
    {
        if (Prepare(context, keys) is not { } statements)
        {
            return;
        }

        if (statements.Count == 1 || HasTransaction(context))
        {
            await OutboxInsertStatements.ExecuteAsync(context, statements, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Several statements and no transaction: one of our own, so the keys commit together.
            await context.Database.CreateExecutionStrategy().ExecuteAsync(
                async ct =>
                {
                    IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        await OutboxInsertStatements.ExecuteAsync(context, statements, ct).ConfigureAwait(false);
                        await transaction.CommitAsync(ct).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }

        SignalsSaveChangesInterceptor.WakeWhenCommitted(context);
    }

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
    /// <exception cref="InvalidOperationException">The model has no outbox.</exception>
    public static void InvalidateSignals(this DbContext context, IEnumerable<SignalKey> keys)
    {
        if (Prepare(context, keys) is not { } statements)
        {
            return;
        }

        if (statements.Count == 1 || HasTransaction(context))
        {
            OutboxInsertStatements.Execute(context, statements);
        }
        else
        {
            context.Database.CreateExecutionStrategy().Execute(() =>
            {
                using IDbContextTransaction transaction = context.Database.BeginTransaction();
                OutboxInsertStatements.Execute(context, statements);
                transaction.Commit();
            });
        }

        SignalsSaveChangesInterceptor.WakeWhenCommitted(context);
    }

    private static bool HasTransaction(DbContext context)
        => context.Database.CurrentTransaction is not null || SignalsSaveChangesInterceptor.AmbientTransaction(context) is not null;

    /// <summary>Validates the arguments and builds the <c>INSERT</c> statements (provider-neutral SQL, one parameter per key).</summary>
    /// <returns>The statements, or <see langword="null"/> when there are no keys.</returns>
    private static List<(string Sql, object[] Parameters)>? Prepare(DbContext context, IEnumerable<SignalKey> keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        SignalKey[] distinct = SignalKey.DistinctOrThrow(keys, "invalidate");

        if (!context.Database.IsRelational())
        {
            throw new NotSupportedException(
                $"InvalidateSignals needs a relational provider: it writes into the current transaction, and '{context.Database.ProviderName}' " +
                "has none. Use ISignalStore.InvalidateAsync, which writes through a context of its own.");
        }

        return distinct.Length == 0 ? null : OutboxInsertStatements.Build(context, distinct);
    }
}
