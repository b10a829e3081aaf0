using System.Data.Common;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Wakes this application's dispatcher once outbox rows a context wrote have committed: at once outside any transaction, when EF Core
/// reports the commit of the context's transaction, or when a <c>TransactionScope</c> its connection takes part in commits. Nothing is
/// sent for a rollback. A scoped service (and interceptor) of EF Core's internal service provider, one per context.
/// </summary>
/// <remarks>
/// The dispatcher to wake comes from the context's options as data, not from a service provider: <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>
/// puts its <see cref="OutboxSignaler"/> into the options of <c>TContext</c>, and the options extension hands it to this waker. A
/// context without one (created with <c>new</c>, or of an application without a dispatcher) wakes nobody: the dispatchers' safety poll
/// delivers its changes.
/// </remarks>
/// <param name="signaler">This application's link to its dispatcher of the context type, or <see langword="null"/>.</param>
internal sealed class OutboxCommitWaker(OutboxSignaler? signaler) : IDbTransactionInterceptor
{
    private readonly OutboxSignaler? _signaler = signaler;
    private bool _pending;

    /// <summary>Wakes the dispatchers once the rows the context just wrote have committed (see the remarks on this type).</summary>
    /// <param name="context">The context that wrote the rows.</param>
    public void WakeWhenCommitted(DbContext context)
    {
        if (_signaler is not { } signaler)
        {
            return;
        }

        if (context.Database.CurrentTransaction is not null)
        {
            _pending = true;
        }
        else if (ContextFacts.AmbientTransaction(context) is { } ambient)
        {
            ambient.TransactionCompleted += (_, e) =>
            {
                if (e.Transaction?.TransactionInformation.Status == TransactionStatus.Committed)
                {
                    signaler.OnCommitted();
                }
            };
        }
        else
        {
            signaler.OnCommitted();
        }
    }

    /// <inheritdoc/>
    /// <remarks>Wakes the dispatchers for outbox rows written inside the transaction that just committed.</remarks>
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => OnCommitted();

    /// <inheritdoc/>
    /// <remarks>Wakes the dispatchers for outbox rows written inside the transaction that just committed.</remarks>
    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        OnCommitted();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Forgets outbox rows written inside the transaction that rolled back: nobody is woken for them.</remarks>
    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _pending = false;

    /// <inheritdoc/>
    /// <remarks>Forgets outbox rows written inside the transaction that rolled back: nobody is woken for them.</remarks>
    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _pending = false;
        return Task.CompletedTask;
    }

    private void OnCommitted()
    {
        if (_pending)
        {
            _pending = false;
            _signaler?.OnCommitted();
        }
    }
}
