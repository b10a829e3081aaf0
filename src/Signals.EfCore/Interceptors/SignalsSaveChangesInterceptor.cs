using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Stages signal version bumps in the same <c>SaveChanges</c> call as the entity changes that caused them, and wakes the
/// dispatchers once they have committed.
/// </summary>
/// <remarks>
/// <para>
/// For every Added, Modified or Deleted entry whose entity implements <see cref="ISignalSource"/> (the source generator implements it
/// on annotated types), the interceptor collects keys from the current values (Added, Modified) and the original values (Modified,
/// Deleted) — so moving a message from room A to room B bumps both rooms — dedupes them per save, and writes one
/// <see cref="SignalOutboxEntry"/> row per key in the same transaction as the data: they commit or roll back with it, including inside
/// a transaction the application began. On PostgreSQL the rows are one <c>INSERT</c> added to the command EF Core sends for the save
/// (no extra round trip, nothing tracked; see <see cref="PostgresOutboxAppender"/> for how a save of one statement stays atomic);
/// on other providers they are tracked entities of the same save, detached again afterwards. The value <c>SaveChanges</c> returns
/// does not count them.
/// </para>
/// <para>
/// Database-generated key values (an identity <c>Id</c>) are still temporary while the save starts. When a key depends on such a
/// value, the interceptor runs the save itself, inside the current transaction or one it begins (when the provider is relational and
/// <see cref="DatabaseFacade.AutoTransactionBehavior"/> is not <see cref="AutoTransactionBehavior.Never"/>): it saves the data,
/// computes the remaining keys from the now real values, inserts the rows of all the save's keys, commits, and returns the save's
/// result. Entities are accepted by that inner save, even when <c>SaveChanges(false)</c> was called;
/// with a retrying execution strategy such a save is not retried once its entities were accepted (it fails instead), because a retry
/// could no longer insert them.
/// </para>
/// <para>
/// After a save commits outside an application transaction — or, when the application began one, after EF Core reports its commit,
/// or after the <c>TransactionScope</c> the connection takes part in commits — the interceptor tells this application's dispatcher
/// for the context type (registered by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>, found through the application service
/// provider that <c>AddDbContext</c> records). The dispatcher reads at once and, on PostgreSQL, sends one <c>pg_notify</c> from its own connection to wake the
/// other instances. Without that provider (a context created with <c>new</c>), the dispatchers' safety poll delivers the change.
/// Nothing is sent for a save that rolls back.
/// </para>
/// <para>Stateless and thread-safe: one instance serves every <see cref="DbContext"/>; per-context state lives in a weak table.</para>
/// </remarks>
public sealed class SignalsSaveChangesInterceptor : SaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, SaveState> States = new();

    private SignalsSaveChangesInterceptor()
    {
    }

    /// <summary>Gets the single instance; <c>UseSignals()</c> registers it.</summary>
    public static SignalsSaveChangesInterceptor Instance { get; } = new();

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">
    /// The context's model has no outbox (call <c>modelBuilder.AddSignalsOutbox()</c>), or an entity produced a default key.
    /// </exception>
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        => StageOrDefer(eventData, result, out DbContext? context, out SaveState? state)
            ? InterceptionResult<int>.SuppressWithResult(SaveWithDeferredKeys(context, state))
            : result;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">
    /// The context's model has no outbox (call <c>modelBuilder.AddSignalsOutbox()</c>), or an entity produced a default key.
    /// </exception>
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        => StageOrDefer(eventData, result, out DbContext? context, out SaveState? state)
            ? InterceptionResult<int>.SuppressWithResult(await SaveWithDeferredKeysAsync(context, state, cancellationToken).ConfigureAwait(false))
            : result;

    /// <inheritdoc/>
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return eventData.Context is { } context ? Complete(context, result) : result;
    }

    /// <inheritdoc/>
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        return ValueTask.FromResult(eventData.Context is { } context ? Complete(context, result) : result);
    }

    /// <inheritdoc/>
    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Discard(eventData.Context);
    }

    /// <inheritdoc/>
    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override void SaveChangesCanceled(DbContextEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Discard(eventData.Context);
    }

    /// <inheritdoc/>
    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>On PostgreSQL, adds the outbox rows of the save in progress to the first command EF Core sends for it (see the remarks on this type).</remarks>
    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        AppendOutboxRows(command, eventData);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>On PostgreSQL, adds the outbox rows of the save in progress to the first command EF Core sends for it (see the remarks on this type).</remarks>
    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        AppendOutboxRows(command, eventData);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    /// <remarks>A transaction begun during a save is a new attempt (an execution-strategy retry): its first command gets the outbox rows again.</remarks>
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        ForgetAppended(eventData.Context);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>A transaction begun during a save is a new attempt (an execution-strategy retry): its first command gets the outbox rows again.</remarks>
    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        ForgetAppended(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    /// <remarks>Wakes the dispatchers for version bumps saved inside the transaction that just committed.</remarks>
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        WakeAfterCommit(eventData.Context);
    }

    /// <inheritdoc/>
    /// <remarks>Wakes the dispatchers for version bumps saved inside the transaction that just committed.</remarks>
    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        WakeAfterCommit(eventData.Context);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Forgets version bumps saved inside the transaction that rolled back: nobody is woken for them.</remarks>
    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        ForgetPending(eventData.Context);
    }

    /// <inheritdoc/>
    /// <remarks>Forgets version bumps saved inside the transaction that rolled back: nobody is woken for them.</remarks>
    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        ForgetPending(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Collects the save's keys and stages their outbox rows; when a key depends on a database-generated value, stages nothing and
    /// returns <see langword="true"/>: the caller then runs the save itself (see the remarks on this type).
    /// </summary>
    private static bool StageOrDefer(
        DbContextEventData eventData, InterceptionResult<int> result, [NotNullWhen(true)] out DbContext? context, [NotNullWhen(true)] out SaveState? state)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        context = eventData.Context;
        state = null;
        if (context is null)
        {
            return false;
        }

        ContextFacts facts = ContextFacts.Of(context);
        if (!facts.HasSignalSources)
        {
            // No keys ever: the context needs no state.
            return false;
        }

        state = States.GetOrCreateValue(context);
        if (state.Inner)
        {
            return false;
        }

        // Cleared even for a save another interceptor answers: its SavedChanges must find no keys of an earlier save that threw here.
        state.ClearSave();
        if (result.HasResult)
        {
            return false;
        }

        CollectKeys(context, state);
        if (state.Keys.Count == 0 && state.Deferred.Count == 0)
        {
            return false;
        }

        if (!facts.MapsOutbox)
        {
            throw OutboxModel.NotMapped(context, typeof(SignalOutboxEntry));
        }

        if (state.Deferred.Count > 0)
        {
            return true;
        }

        if (facts.IsNpgsql)
        {
            state.AppendPending = true;
        }
        else
        {
            Stage(context, state, state.Keys);
        }

        return false;
    }

    private static void CollectKeys(DbContext context, SaveState state)
    {
        // Entries() runs DetectChanges first when AutoDetectChangesEnabled is on: SavingChanges runs before EF's own detection.
        foreach (EntityEntry entry in context.ChangeTracker.Entries())
        {
            if (entry.Entity is not ISignalSource source)
            {
                continue;
            }

            switch (entry.State)
            {
                case EntityState.Added:
                    AddKeys(entry, source, original: false, state);
                    break;
                case EntityState.Modified:
                    // Keys of the original values differ only if the current ones read a modified property.
                    if (AddKeys(entry, source, original: false, state))
                    {
                        AddKeys(entry, source, original: true, state);
                    }

                    break;
                case EntityState.Deleted:
                    AddKeys(entry, source, original: true, state);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Adds the keys of one state of an entry (or defers the entry).</summary>
    /// <returns>
    /// Whether the keys of the original values may differ: the current ones read a modified property, or a temporary value (which
    /// may have stopped the reads before a modified one).
    /// </returns>
    private static bool AddKeys(EntityEntry entry, ISignalSource source, bool original, SaveState state)
    {
        EntryValueReader reader = state.Reader;
        reader.Reset(entry, original);
        state.Scratch.Clear();
        try
        {
            source.AddSignalKeys(reader, state.Scratch);
        }
        catch (Exception) when (reader.HitTemporary)
        {
            // A key was being formatted from a placeholder value; it is computed again once the value is real.
        }

        if (reader.HitTemporary)
        {
            // Each entry's current values are read once per save, so an entry is deferred at most once.
            if (!original)
            {
                state.Deferred.Add((entry, source));
            }

            return true;
        }

        foreach (SignalKey key in state.Scratch)
        {
            state.Keys.Add(Validate(key, entry));
        }

        return reader.ReadModified;
    }

    private static void CollectDeferredKeys(SaveState state)
    {
        foreach ((EntityEntry entry, ISignalSource source) in state.Deferred)
        {
            EntryValueReader reader = state.Reader;
            reader.Reset(entry, original: false);
            state.Scratch.Clear();
            source.AddSignalKeys(reader, state.Scratch);
            if (reader.HitTemporary)
            {
                throw new InvalidOperationException(
                    $"A signal key of '{entry.Metadata.DisplayName()}' reads a value that is still temporary after the entity was inserted.");
            }

            foreach (SignalKey key in state.Scratch)
            {
                state.Keys.Add(Validate(key, entry));
            }
        }
    }

    private static SignalKey Validate(SignalKey key, EntityEntry entry)
        => key.IsDefault
            ? throw new InvalidOperationException($"'{entry.Metadata.DisplayName()}' produced default(SignalKey) from ISignalSource.AddSignalKeys.")
            : key;

    /// <summary>Adds the rows as tracked entities of the save (providers other than PostgreSQL).</summary>
    private static void Stage(DbContext context, SaveState state, IReadOnlyCollection<SignalKey> keys)
    {
        DbSet<SignalOutboxEntry> outbox = context.Set<SignalOutboxEntry>();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        foreach (SignalKey key in keys)
        {
            var row = new SignalOutboxEntry { Key = key.Value, CreatedAt = now };
            outbox.Add(row);
            state.Staged.Add(row);
        }
    }

    /// <summary>
    /// Adds the save's outbox rows to a command of the save on PostgreSQL: the first one of each transaction, or every one that runs
    /// in an implicit transaction of its own (no transaction current or ambient), so each attempt of an execution strategy has them.
    /// </summary>
    private static void AppendOutboxRows(DbCommand command, CommandEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.CommandSource != CommandSource.SaveChanges
            || eventData.Context is not { } context
            || !States.TryGetValue(context, out SaveState? state)
            || !state.AppendPending
            || (state.Appended && (command.Transaction is not null || AmbientTransaction(context) is not null)))
        {
            return;
        }

        PostgresOutboxAppender.Append(command, context, state.Keys);
        state.Appended = true;
    }

    private static void ForgetAppended(DbContext? context)
    {
        if (context is not null && States.TryGetValue(context, out SaveState? state))
        {
            state.Appended = false;
        }
    }

    private static bool ShouldOwnTransaction(DbContext context)
    {
        DatabaseFacade database = context.Database;
        return database.CurrentTransaction is null
            && ContextFacts.Of(context).IsRelational
            && database.AutoTransactionBehavior != AutoTransactionBehavior.Never
            && AmbientTransaction(context) is null;
    }

    /// <summary>
    /// The System.Transactions transaction the context's connection takes part in (a <c>TransactionScope</c>), if any; <see langword="null"/>
    /// when the context has a current EF Core transaction or is not relational.
    /// </summary>
    /// <param name="context">The context.</param>
    /// <returns>The ambient transaction, or <see langword="null"/>.</returns>
    internal static Transaction? AmbientTransaction(DbContext context)
        => ContextFacts.Of(context).IsRelational && context.Database.CurrentTransaction is null
            ? context.Database.GetEnlistedTransaction() ?? Transaction.Current
            : null;

    /// <summary>
    /// Wakes the dispatchers once outbox rows the context wrote have committed: at once when the context is outside any transaction,
    /// when EF Core reports the commit of its current transaction, or when a <c>TransactionScope</c> the connection takes part in
    /// commits. Nothing is sent for a rollback.
    /// </summary>
    /// <param name="context">The context that wrote the rows.</param>
    internal static void WakeWhenCommitted(DbContext context)
    {
        if (context.Database.CurrentTransaction is not null)
        {
            States.GetOrCreateValue(context).WakePending = true;
        }
        else if (AmbientTransaction(context) is { } ambient)
        {
            if (FindSignaler(context) is { } signaler)
            {
                ambient.TransactionCompleted += (_, e) =>
                {
                    if (e.Transaction?.TransactionInformation.Status == TransactionStatus.Committed)
                    {
                        signaler.OnCommitted();
                    }
                };
            }
        }
        else
        {
            FindSignaler(context)?.OnCommitted();
        }
    }

    private static int SaveWithDeferredKeys(DbContext context, SaveState state)
    {
        state.Inner = true;
        try
        {
            int total;
            if (ShouldOwnTransaction(context))
            {
                bool accepted = false;
                total = context.Database.CreateExecutionStrategy().Execute(() =>
                {
                    ThrowIfRetryAfterAccept(accepted);
                    using IDbContextTransaction transaction = context.Database.BeginTransaction();
                    int saved = SaveInner(context, state, ref accepted);
                    transaction.Commit();
                    return saved;
                });
            }
            else
            {
                bool accepted = false;
                total = SaveInner(context, state, ref accepted);
            }

            state.Inner = false;
            return Complete(context, total);
        }
        catch
        {
            state.Inner = false;
            Discard(context);
            throw;
        }
    }

    /// <summary>Saves the data, then writes the rows of every key (the deferred ones now computed from real values).</summary>
    private static int SaveInner(DbContext context, SaveState state, ref bool accepted)
    {
        Unstage(context, state);
        int total = context.SaveChanges(acceptAllChangesOnSuccess: true);
        accepted = true;
        CollectDeferredKeys(state);
        if (ContextFacts.Of(context).IsRelational)
        {
            OutboxInsertStatements.Execute(context, OutboxInsertStatements.Build(context, state.Keys));
        }
        else
        {
            Stage(context, state, state.Keys);
            total += context.SaveChanges(acceptAllChangesOnSuccess: true);
        }

        return total;
    }

    private static async Task<int> SaveWithDeferredKeysAsync(DbContext context, SaveState state, CancellationToken cancellationToken)
    {
        state.Inner = true;
        try
        {
            int total;
            if (ShouldOwnTransaction(context))
            {
                var accepted = new StrongBox<bool>();
                total = await context.Database.CreateExecutionStrategy().ExecuteAsync(
                    async ct =>
                    {
                        ThrowIfRetryAfterAccept(accepted.Value);
                        IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                        await using (transaction.ConfigureAwait(false))
                        {
                            int saved = await SaveInnerAsync(context, state, accepted, ct).ConfigureAwait(false);
                            await transaction.CommitAsync(ct).ConfigureAwait(false);
                            return saved;
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                total = await SaveInnerAsync(context, state, new StrongBox<bool>(), cancellationToken).ConfigureAwait(false);
            }

            state.Inner = false;
            return Complete(context, total);
        }
        catch
        {
            state.Inner = false;
            Discard(context);
            throw;
        }
    }

    /// <summary>Saves the data, then writes the rows of every key (the deferred ones now computed from real values).</summary>
    private static async Task<int> SaveInnerAsync(DbContext context, SaveState state, StrongBox<bool> accepted, CancellationToken cancellationToken)
    {
        Unstage(context, state);
        int total = await context.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken).ConfigureAwait(false);
        accepted.Value = true;
        CollectDeferredKeys(state);
        if (ContextFacts.Of(context).IsRelational)
        {
            await OutboxInsertStatements.ExecuteAsync(context, OutboxInsertStatements.Build(context, state.Keys), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Stage(context, state, state.Keys);
            total += await context.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    private static void ThrowIfRetryAfterAccept(bool accepted)
    {
        if (accepted)
        {
            throw new InvalidOperationException(
                "A save whose signal keys depend on database-generated values failed after its entities were accepted, and cannot be " +
                "retried safely by the execution strategy. Begin a transaction in an execution strategy of your own and retry the whole unit of work.");
        }
    }

    /// <summary>Detaches the save's tracked outbox rows, wakes the dispatchers (or remembers to once the application's transaction commits).</summary>
    /// <returns><paramref name="result"/> without the tracked outbox rows.</returns>
    private static int Complete(DbContext context, int result)
    {
        if (!States.TryGetValue(context, out SaveState? state) || state.Inner)
        {
            return result;
        }

        bool wrote = state.Wrote;
        int rows = state.Staged.Count;
        Unstage(context, state);
        state.ClearSave();
        if (wrote)
        {
            WakeWhenCommitted(context);
        }

        return Math.Max(0, result - rows);
    }

    private static void Discard(DbContext? context)
    {
        if (context is null || !States.TryGetValue(context, out SaveState? state) || state.Inner)
        {
            return;
        }

        Unstage(context, state);
        state.ClearSave();
    }

    /// <summary>Detaches the outbox rows staged so far (a failed attempt's rows, before an execution strategy retries).</summary>
    private static void Unstage(DbContext context, SaveState state)
    {
        foreach (SignalOutboxEntry row in state.Staged)
        {
            EntityEntry<SignalOutboxEntry> entry = context.Entry(row);
            if (entry.State != EntityState.Detached)
            {
                entry.State = EntityState.Detached;
            }
        }

        state.Staged.Clear();
    }

    private static void WakeAfterCommit(DbContext? context)
    {
        if (context is null || !States.TryGetValue(context, out SaveState? state) || state.Inner || !state.WakePending)
        {
            return;
        }

        state.WakePending = false;
        FindSignaler(context)?.OnCommitted();
    }

    private static void ForgetPending(DbContext? context)
    {
        if (context is not null && States.TryGetValue(context, out SaveState? state) && !state.Inner)
        {
            state.WakePending = false;
        }
    }

    private static OutboxSignaler? FindSignaler(DbContext context)
    {
        try
        {
            IServiceProvider? services = context.GetService<IDbContextOptions>()
                .FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
            return services?.GetService<OutboxSignalerRegistry>()?.Find(context.GetType());
        }
        catch (ObjectDisposedException)
        {
            // The save has committed: a disposed container must not turn it into an error. The safety poll delivers the change.
            return null;
        }
    }
}
