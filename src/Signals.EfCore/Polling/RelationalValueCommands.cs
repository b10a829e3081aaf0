using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The value store on relational providers without commands of their own (SQLite, and any other EF Core provider): EF Core LINQ and a
/// transaction per write, with optimistic concurrency, so it is correct on every provider.
/// </summary>
/// <remarks>
/// <para>
/// A write, in a transaction of its own: read the stored row, compute the new value in process (the increment's arithmetic too), insert
/// the outbox row (its id, drawn in this transaction, is the value's version), then insert the value row, or update it only where it
/// still has the version that was read (<c>UPDATE … WHERE key = @key AND version = @read</c>; a delete likewise). When another writer got
/// there first (the update or delete matches nothing, or the insert hits the key), the transaction rolls back — its outbox row with it —
/// and the write starts over, up to <see cref="MaxAttempts"/> times. So concurrent increments from any number of instances never lose
/// one, and a key's committed versions are in id order.
/// </para>
/// <para>
/// On SQLite, EF Core's transactions begin with <c>BEGIN IMMEDIATE</c>: the write lock is taken before the read, so writers take turns
/// and never conflict. Its lock is for the whole database and a waiting connection polls it (Microsoft.Data.Sqlite sleeps between tries,
/// blocking a thread), so the SQLite provider also passes a <paramref name="writerGate"/> that queues this process's value writes of the
/// database asynchronously.
/// </para>
/// </remarks>
/// <param name="writerGate">Admits one value write of this process at a time, or <see langword="null"/> for none.</param>
internal sealed class RelationalValueCommands(SemaphoreSlim? writerGate = null) : InProcessValueCommands
{
    /// <summary>How many times a write starts over after losing to a concurrent writer before it gives up: 50.</summary>
    public const int MaxAttempts = 50;

    /// <inheritdoc/>
    public override async Task<SignalVersion?> DeleteAsync(DbContext context, SignalKey key, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Attempt<SignalVersion?> result = await RunAsync(
            context,
            async ct =>
            {
                // The conditional delete below holds the check to this read: a writer in between makes the attempt start over.
                if (await ReadAsync(context, key, ct).ConfigureAwait(false) is not { } stored
                    || (expectedVersion is { } expected && stored.Version != expected))
                {
                    return new Attempt<SignalVersion?>(null);
                }

                long version = await InsertOutboxRowAsync(context, key, now, hash: null, ct).ConfigureAwait(false);
                int deleted = await context.Set<SignalValueEntry>()
                    .Where(e => e.Key == key.Value && e.Version == stored.Version)
                    .ExecuteDeleteAsync(ct)
                    .ConfigureAwait(false);
                return deleted == 1 ? new Attempt<SignalVersion?>(new SignalVersion(key, version, null, now)) : Attempt<SignalVersion?>.Conflict;
            },
            cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>
    /// Writes the computed value, or returns <see langword="null"/> when the key is not at <paramref name="expectedVersion"/>: the check
    /// reads the same row the conditional update below is held to, so a writer that commits in between makes the update match nothing and
    /// this attempt start over, and then fail the check.
    /// </summary>
    protected override async Task<ValueWrite?> WriteAsync(
        DbContext context, SignalKey key, DateTimeOffset now, long? expectedVersion, Func<JsonElement?, JsonElement> compute, CancellationToken cancellationToken)
    {
        DbUpdateException? failedInsert = null;
        Attempt<ValueWrite?> result = await RunAsync<ValueWrite?>(
            context,
            async ct =>
            {
                SignalValueEntry? stored = await ReadAsync(context, key, ct).ConfigureAwait(false);
                if (expectedVersion is { } expected && (stored?.Version ?? 0) != expected)
                {
                    return new Attempt<ValueWrite?>(null);
                }

                JsonElement value = compute(stored is null ? null : ToValue(key, stored).Value);
                string hash = SignalValueHash.Compute(value);
                if (stored is not null && stored.Hash == hash)
                {
                    return new Attempt<ValueWrite?>(new ValueWrite(ToValue(key, stored), Changed: false));
                }

                var row = new SignalValueEntry { Key = key.Value, Value = value.GetRawText(), Hash = hash, UpdatedAt = now };
                row.Version = await InsertOutboxRowAsync(context, key, now, hash, ct).ConfigureAwait(false);
                bool written;
                if (stored is null)
                {
                    try
                    {
                        await InsertAsync(context, row, ct).ConfigureAwait(false);
                        written = true;
                    }
                    catch (DbUpdateException exception) when (failedInsert is null)
                    {
                        // Most likely another writer inserted the key first: the next attempt reads it. A second failure while the key
                        // is still absent is something else, and is thrown.
                        failedInsert = exception;
                        written = false;
                    }
                }
                else
                {
                    written = await context.Set<SignalValueEntry>()
                        .Where(e => e.Key == key.Value && e.Version == stored.Version)
                        .ExecuteUpdateAsync(
                            s => s.SetProperty(e => e.Value, row.Value)
                                .SetProperty(e => e.Hash, row.Hash)
                                .SetProperty(e => e.Version, row.Version)
                                .SetProperty(e => e.UpdatedAt, row.UpdatedAt),
                            ct)
                        .ConfigureAwait(false) == 1;
                }

                return written
                    ? new Attempt<ValueWrite?>(new ValueWrite(new SignalValue<JsonElement>(new SignalVersion(key, row.Version, hash, now), value), Changed: true))
                    : Attempt<ValueWrite?>.Conflict;
            },
            cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> in a transaction of its own (inside the gate and the context's execution strategy) and commits it,
    /// or rolls it back and starts over while it reports a conflict.
    /// </summary>
    private async Task<Attempt<T>> RunAsync<T>(DbContext context, Func<CancellationToken, Task<Attempt<T>>> attempt, CancellationToken cancellationToken)
    {
        if (writerGate is not null)
        {
            await writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                async ct =>
                {
                    for (int attempts = 1; ; attempts++)
                    {
                        context.ChangeTracker.Clear();
                        IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                        await using (transaction.ConfigureAwait(false))
                        {
                            Attempt<T> result = await attempt(ct).ConfigureAwait(false);
                            if (!result.IsConflict)
                            {
                                await transaction.CommitAsync(ct).ConfigureAwait(false);
                                return result;
                            }

                            await transaction.RollbackAsync(ct).ConfigureAwait(false);
                        }

                        if (attempts == MaxAttempts)
                        {
                            throw new DbUpdateConcurrencyException(
                                $"A value write lost to concurrent writers of the same key {MaxAttempts} times in a row; nothing was written.");
                        }

                        // Let the writer that won finish before reading again.
                        await Task.Delay(Random.Shared.Next(1, 5 * attempts), ct).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writerGate?.Release();
        }
    }

    /// <summary>Inserts the change's outbox row (and those of the computed keys it moves) and returns its id, drawn in the current transaction.</summary>
    private static async Task<long> InsertOutboxRowAsync(DbContext context, SignalKey key, DateTimeOffset now, string? hash, CancellationToken cancellationToken)
    {
        var outbox = new SignalOutboxEntry { Key = key.Value, CreatedAt = now, Hash = hash };
        context.Add(outbox);
        SignalOutboxEntry[] computed = AddComputedRows(context, key, now);
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        context.Entry(outbox).State = EntityState.Detached;
        foreach (SignalOutboxEntry row in computed)
        {
            context.Entry(row).State = EntityState.Detached;
        }

        return outbox.Id;
    }

    /// <summary>Inserts the first value row of a key.</summary>
    private static async Task InsertAsync(DbContext context, SignalValueEntry row, CancellationToken cancellationToken)
    {
        context.Add(row);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            context.Entry(row).State = EntityState.Detached;
        }
    }

    /// <summary>The outcome of one attempt: a result to commit, or a conflict to start over from.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="Value">The result.</param>
    /// <param name="IsConflict">Whether another writer got there first.</param>
    private readonly record struct Attempt<T>(T? Value, bool IsConflict = false)
    {
        public static Attempt<T> Conflict => new(default, IsConflict: true);
    }
}
