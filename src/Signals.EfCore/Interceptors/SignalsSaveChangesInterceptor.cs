using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Stages signal version bumps in the same <c>SaveChanges</c> call as the entity changes that caused them, and has the dispatchers
/// woken once they have committed. A scoped service (and interceptor) of EF Core's internal service provider, one per context,
/// registered by the options extension <c>UseSignals()</c> adds.
/// </summary>
/// <remarks>
/// <para>
/// Its three jobs are three types: <see cref="SignalKeyCollector"/> stages the keys from the change tracker, the provider's
/// <see cref="IOutboxAppender"/> adds their rows to the save (PostgreSQL: to the save's command; other providers: tracked rows), and
/// <see cref="OutboxCommitWaker"/> wakes the dispatchers after the commit. The rows commit or roll back with the data, including inside
/// a transaction the application began; the value <c>SaveChanges</c> returns does not count them.
/// </para>
/// <para>
/// Database-generated key values (an identity <c>Id</c>) are still temporary while the save starts. When a key depends on such a
/// value, the interceptor runs the save itself (<see cref="DeferredKeysSave"/>), inside the current transaction or one it begins:
/// it saves the data, computes the remaining keys from the now real values, has the appender write the rows of all the save's keys on
/// the same connection, commits, and returns the save's result.
/// </para>
/// <para>
/// Injected interceptors run before those added with <c>AddInterceptors</c> (EF Core's order), so an interceptor of the application
/// that adds or changes signal sources in its own <c>SavingChanges</c> is not seen by this one; make such changes before calling
/// <c>SaveChanges</c> (an override of it, or the code that saves).
/// </para>
/// </remarks>
/// <param name="save">The context's save state.</param>
/// <param name="appender">The provider's appender.</param>
/// <param name="waker">Wakes the dispatchers after the commit.</param>
/// <param name="namespaces">
/// The application's mapped namespaces as this context sees them (<see langword="null"/>: none mapped): a save whose entities produce a
/// key of another version line (an instance-local namespace, or a namespace of another context) fails before anything is written (see
/// <see cref="ContextNamespaces.ThrowIfNotOurs"/>).
/// </param>
internal sealed class SignalsSaveChangesInterceptor(OutboxSave save, IOutboxAppender appender, OutboxCommitWaker waker, ContextNamespaces? namespaces)
    : ISaveChangesInterceptor
{
    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">
    /// The context's model has no outbox (call <c>modelBuilder.AddSignalsOutbox()</c>), or an entity produced a default key.
    /// </exception>
    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (RunSynchronously(StageOrDeferAsync(eventData, result, async: false, CancellationToken.None)) is not { } context)
        {
            return result;
        }

        int saved = RunSynchronously(DeferredKeysSave.RunAsync(context, save, appender, namespaces, async: false, CancellationToken.None));
        return InterceptionResult<int>.SuppressWithResult(Complete(context, saved));
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">
    /// The context's model has no outbox (call <c>modelBuilder.AddSignalsOutbox()</c>), or an entity produced a default key.
    /// </exception>
    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        => await StageOrDeferAsync(eventData, result, async: true, cancellationToken).ConfigureAwait(false) is { } context
            ? InterceptionResult<int>.SuppressWithResult(
                Complete(context, await DeferredKeysSave.RunAsync(context, save, appender, namespaces, async: true, cancellationToken).ConfigureAwait(false)))
            : result;

    /// <inheritdoc/>
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return eventData.Context is { } context && !save.Inner ? Complete(context, result) : result;
    }

    /// <inheritdoc/>
    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(SavedChanges(eventData, result));

    /// <inheritdoc/>
    public void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Discard(eventData.Context);
    }

    /// <inheritdoc/>
    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void SaveChangesCanceled(DbContextEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Discard(eventData.Context);
    }

    /// <inheritdoc/>
    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesCanceled(eventData);
        return Task.CompletedTask;
    }

    /// <summary>Ends a save run with <c>async: false</c>, which completes synchronously.</summary>
    private static T RunSynchronously<T>(ValueTask<T> task)
    {
        Debug.Assert(task.IsCompleted, "A save run with async: false must complete synchronously.");
        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Collects the save's keys and stages their outbox rows; when a key depends on a database-generated value, stages nothing and
    /// returns the context: the caller then runs the save itself (see the remarks on this type).
    /// </summary>
    /// <returns>The context when the caller must run the save itself; otherwise <see langword="null"/>.</returns>
    private async ValueTask<DbContext?> StageOrDeferAsync(DbContextEventData eventData, InterceptionResult<int> result, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is not { } context || save.Inner)
        {
            return null;
        }

        // Cleared even for a save another interceptor answers: its SavedChanges must find no keys of an earlier save that threw here.
        Discard(context);
        ContextFacts facts = ContextFacts.Of(context);
        if (!facts.HasSignalSources || result.HasResult)
        {
            return null;
        }

        SignalKeyCollector.Collect(context, save);
        if (save.Keys.Count == 0 && save.Deferred.Count == 0)
        {
            return null;
        }

        ThrowIfNotOurs(namespaces, save);

        if (!facts.MapsOutbox)
        {
            throw OutboxModel.NotMapped(context, typeof(SignalOutboxEntry));
        }

        if (save.Deferred.Count > 0)
        {
            return context;
        }

        await appender.StageAsync(context, save.Keys, async, cancellationToken).ConfigureAwait(false);
        save.Staged = true;
        return null;
    }

    /// <summary>Forgets the save's rows, and wakes the dispatchers (or has them woken once the application's transaction commits).</summary>
    /// <returns><paramref name="result"/> without the appender's tracked rows.</returns>
    private int Complete(DbContext context, int result)
    {
        bool wrote = (save.Staged ? appender.Saved(context) : save.Keys.Count > 0) || save.Captured;
        int rows = appender.Unstage(context);
        save.Clear();
        if (wrote)
        {
            waker.WakeWhenCommitted(context);
        }

        return Math.Max(0, result - rows);
    }

    /// <exception cref="InvalidOperationException">A key of the save is on another version line (see <see cref="ContextNamespaces.ThrowIfNotOurs"/>).</exception>
    private static void ThrowIfNotOurs(ContextNamespaces? namespaces, OutboxSave save)
    {
        if (namespaces is null)
        {
            return;
        }

        foreach (SignalKey key in save.Keys)
        {
            namespaces.ThrowIfNotOurs(key, invalidation: false);
        }
    }

    private void Discard(DbContext? context)
    {
        if (context is not null && !save.Inner)
        {
            appender.Unstage(context);
            save.Clear();
        }
    }

    /// <summary>
    /// The save of a context whose keys depend on database-generated values: one procedure for the synchronous and the asynchronous
    /// path (<c>async: false</c> completes synchronously).
    /// </summary>
    private static class DeferredKeysSave
    {
        /// <summary>
        /// Saves the data, computes the deferred keys from the now real values, and has the appender write the rows of every key, in
        /// the current transaction or one of its own (relational providers, unless <see cref="AutoTransactionBehavior.Never"/>), inside
        /// the execution strategy. Entities are accepted by the inner save; a retrying strategy does not retry once they were (it fails
        /// instead), because a retry could no longer insert them.
        /// </summary>
        /// <returns>The result of the save of the data.</returns>
        public static async ValueTask<int> RunAsync(DbContext context, OutboxSave save, IOutboxAppender appender, ContextNamespaces? namespaces, bool async, CancellationToken cancellationToken)
        {
            save.Inner = true;
            try
            {
                var attempt = new Attempt(context, save, appender, namespaces);
                if (!ShouldOwnTransaction(context))
                {
                    return await attempt.SaveAsync(async, cancellationToken).ConfigureAwait(false);
                }

                IExecutionStrategy strategy = context.Database.CreateExecutionStrategy();
                return async
                    ? await strategy.ExecuteAsync(attempt, static (a, ct) => a.SaveInTransactionAsync(async: true, ct), cancellationToken).ConfigureAwait(false)
                    : strategy.Execute(attempt, static a => RunSynchronously(new ValueTask<int>(a.SaveInTransactionAsync(async: false, default))));
            }
            catch
            {
                appender.Unstage(context);
                save.Clear();
                throw;
            }
            finally
            {
                save.Inner = false;
            }
        }

        private static bool ShouldOwnTransaction(DbContext context)
            => ContextFacts.Of(context).IsRelational
                && context.Database.AutoTransactionBehavior != AutoTransactionBehavior.Never
                && !ContextFacts.InTransaction(context);

        /// <summary>One run of the save; an execution strategy may start it again, unless its entities were already accepted.</summary>
        private sealed class Attempt(DbContext context, OutboxSave save, IOutboxAppender appender, ContextNamespaces? namespaces)
        {
            private bool _accepted;

            public async Task<int> SaveInTransactionAsync(bool async, CancellationToken cancellationToken)
            {
                if (_accepted)
                {
                    throw new InvalidOperationException(
                        "A save whose signal keys depend on database-generated values failed after its entities were accepted, and cannot be " +
                        "retried safely by the execution strategy. Begin a transaction in an execution strategy of your own and retry the whole unit of work.");
                }

                IDbContextTransaction transaction = async
                    ? await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
                    : context.Database.BeginTransaction();
                try
                {
                    int saved = await SaveAsync(async, cancellationToken).ConfigureAwait(false);
                    if (async)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        transaction.Commit();
                    }

                    return saved;
                }
                finally
                {
                    if (async)
                    {
                        await transaction.DisposeAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        transaction.Dispose();
                    }
                }
            }

            /// <summary>Saves the data, then writes the rows of every key (the deferred ones now computed from real values).</summary>
            public async ValueTask<int> SaveAsync(bool async, CancellationToken cancellationToken)
            {
                appender.Unstage(context);
                int total = async
                    ? await context.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken).ConfigureAwait(false)
                    : context.SaveChanges(acceptAllChangesOnSuccess: true);
                _accepted = true;
                SignalKeyCollector.CollectDeferred(save);
                ThrowIfNotOurs(namespaces, save);
                await appender.WriteNowAsync(context, save.Keys, async, cancellationToken).ConfigureAwait(false);
                return total;
            }
        }
    }
}
