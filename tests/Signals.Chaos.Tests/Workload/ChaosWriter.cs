using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Signals.Chaos.Tests.Hosting;
using Signals.Chaos.Tests.Model;

namespace Signals.Chaos.Tests.Workload;

/// <summary>
/// One writer: transactions one after another, through a scoped context of an app instance (its home side, the other while
/// that one restarts). Each opens a transaction, saves one to <see cref="ChaosProfile.MaxNotesPerTransaction"/> notes, pauses up to
/// <see cref="ChaosProfile.MaxCommitDelayMilliseconds"/> ms so that commits land out of id order, and commits — or, for
/// <see cref="ChaosProfile.RollbackRate"/> of them, rolls back (those also touch the writer's ghost item). A failure is recorded
/// with what is certain about it (<see cref="WriteOutcome"/>) and followed by a short back-off. A raw-SQL writer (its
/// <see cref="ChaosKeyspace.KindOf"/> is <see cref="ChaosWriterKind.Triggers"/> or <see cref="ChaosWriterKind.Replication"/>) does the same
/// with one multi-row <c>INSERT</c> into a captured table through the provider's own connection, never EF Core: the database's triggers,
/// or later an instance's replication consumer, write its outbox rows.
/// </summary>
/// <param name="index">The writer's number.</param>
/// <param name="profile">The run's profile.</param>
/// <param name="keyspace">The run's keys; it tells how this writer writes.</param>
/// <param name="instances">The app instances.</param>
/// <param name="database">The database, which a raw-SQL writer writes to through the provider's own connection.</param>
/// <param name="progress">Counts commits over all writers.</param>
/// <param name="random">This writer's random source.</param>
internal sealed class ChaosWriter(
    int index, ChaosProfile profile, ChaosKeyspace keyspace, InstancePair instances, ChaosDatabase database, ChaosProgress progress, Random random)
{
    private enum Stage
    {
        BeforeCommit,
        Committing,
        Committed,
    }

    private readonly ChaosWriterKind _kind = keyspace.KindOf(index);

    /// <summary>Gets every transaction this writer attempted, in order.</summary>
    public List<WriteRecord> Records { get; } = [];

    /// <summary>Writes until this writer's share of commits is reached, its attempts run out, or <paramref name="cancellationToken"/> is canceled.</summary>
    /// <param name="cancellationToken">Ends the run (a transaction in flight then ends as not committed or unknown).</param>
    /// <returns>A task that completes when the writer is done.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        int committed = 0;
        int maxAttempts = (profile.CommitsPerWriter * 2) + 100;
        for (int attempt = 0; attempt < maxAttempts && committed < profile.CommitsPerWriter && !cancellationToken.IsCancellationRequested; attempt++)
        {
            bool rollback = random.NextDouble() < ChaosProfile.RollbackRate;
            ChaosNote[] notes = NextNotes(rollback);
            WriteOutcome outcome = await WriteAndRecordAsync(notes, rollback, hold: null, cancellationToken);
            if (outcome == WriteOutcome.Committed)
            {
                committed++;
                progress.Committed();
            }
            else if (outcome is WriteOutcome.NotCommitted or WriteOutcome.Unknown)
            {
                await BackOffAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Writes one transaction whose commit waits for <paramref name="hold"/> (instead of a random delay): the run's late tail lets
    /// transactions commit in the reverse order of their outbox ids.
    /// </summary>
    /// <param name="hold">Runs after the save, before the commit.</param>
    /// <param name="cancellationToken">Ends the run.</param>
    /// <returns>How the transaction ended.</returns>
    public Task<WriteOutcome> WriteHeldAsync(Func<CancellationToken, Task> hold, CancellationToken cancellationToken)
        => WriteAndRecordAsync(NextNotes(rollback: false), rollback: false, hold, cancellationToken);

    /// <summary>
    /// Writes one transaction of a single note on <paramref name="itemId"/>, committed (no rollback), recorded like the others: the run's
    /// marker after every other write (<see cref="ChaosKeyspace.Marker"/>).
    /// </summary>
    /// <param name="itemId">The note's item.</param>
    /// <param name="cancellationToken">Ends the run.</param>
    /// <returns>How the transaction ended.</returns>
    public Task<WriteOutcome> WriteOneAsync(int itemId, CancellationToken cancellationToken)
        => WriteAndRecordAsync([new ChaosNote { Id = Guid.NewGuid(), ItemId = itemId, Writer = index }], rollback: false, hold: null, cancellationToken);

    private async Task<WriteOutcome> WriteAndRecordAsync(ChaosNote[] notes, bool rollback, Func<CancellationToken, Task>? hold, CancellationToken cancellationToken)
    {
        (WriteOutcome outcome, long commitSent) = await WriteAsync(notes, rollback, hold, cancellationToken);
        Records.Add(new WriteRecord(index, [.. notes.Select(static n => n.Id)], OutboxKeys(notes), outcome, commitSent));
        return outcome;
    }

    // The keys the transaction bumps, one per outbox row it writes: the interceptor and PostgreSQL's statement triggers write each key
    // once per transaction; SQLite's row triggers once per row. Logical replication writes each key at least once over the commits it
    // coalesces (see ChaosVerdict): its keys are listed once per transaction.
    private string[] OutboxKeys(ChaosNote[] notes)
    {
        string hot = ChaosKeyspace.HotKey(_kind);
        return _kind == ChaosWriterKind.Triggers && !database.CaptureBumpsOncePerTransaction
            ? [.. notes.SelectMany(n => new[] { hot, ChaosKeyspace.ItemKey(_kind, n.ItemId) })]
            : [hot, .. notes.Select(n => ChaosKeyspace.ItemKey(_kind, n.ItemId)).Distinct(StringComparer.Ordinal)];
    }

    private ChaosNote[] NextNotes(bool rollback)
    {
        int count = random.Next(1, ChaosProfile.MaxNotesPerTransaction + 1);
        var notes = new List<ChaosNote>(count + 1);
        for (int i = 0; i < count; i++)
        {
            notes.Add(new ChaosNote { Id = Guid.NewGuid(), ItemId = keyspace.ItemId(index, random.Next(profile.ItemsPerWriter)), Writer = index });
        }

        if (rollback)
        {
            notes.Add(new ChaosNote { Id = Guid.NewGuid(), ItemId = ChaosKeyspace.GhostItemId(index), Writer = index });
        }

        return [.. notes];
    }

    private async Task<(WriteOutcome Outcome, long CommitSent)> WriteAsync(
        ChaosNote[] notes, bool rollback, Func<CancellationToken, Task>? hold, CancellationToken cancellationToken)
    {
        Stage stage = Stage.BeforeCommit;
        long commitSent = 0;
        try
        {
            if (_kind != ChaosWriterKind.Context)
            {
                await using DbConnection connection = database.CreateRawConnection();
                await connection.OpenAsync(cancellationToken);
                await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
                await InsertRawAsync(connection, transaction, notes, cancellationToken);
                await FinishAsync(transaction.CommitAsync, transaction.RollbackAsync);
            }
            else if (instances.Pick(index % 2) is { } target)
            {
                await using AsyncServiceScope scope = target.Instance.Services.CreateAsyncScope();
                ChaosDbContext db = scope.ServiceProvider.GetRequiredService<ChaosDbContext>();
                await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                db.Notes.AddRange(notes);
                await db.SaveChangesAsync(cancellationToken);
                await FinishAsync(transaction.CommitAsync, transaction.RollbackAsync);
            }
        }
        catch (Exception)
        {
            // Whatever failed — the instance stopping under us, the server restarting, a cut connection, the run ending — only the
            // stage tells what is certain: nothing is committed unless a commit was sent.
        }

        WriteOutcome outcome = stage switch
        {
            Stage.Committed => WriteOutcome.Committed,
            Stage.Committing => WriteOutcome.Unknown,
            _ => rollback ? WriteOutcome.RolledBack : WriteOutcome.NotCommitted,
        };
        return (outcome, commitSent);

        // Pauses (or holds), then rolls back or commits, moving the stage.
        async Task FinishAsync(Func<CancellationToken, Task> commit, Func<CancellationToken, Task> rollBack)
        {
            int delay = random.Next(ChaosProfile.MaxCommitDelayMilliseconds + 1);
            if (hold is not null)
            {
                await hold(cancellationToken);
            }
            else if (delay > 0)
            {
                await Task.Delay(delay, cancellationToken);
            }

            if (rollback)
            {
                await rollBack(cancellationToken);
                return;
            }

            stage = Stage.Committing;
            commitSent = Stopwatch.GetTimestamp();
            await commit(cancellationToken);
            stage = Stage.Committed;
        }
    }

    // One statement for every note: on PostgreSQL one firing of the statement trigger, or one transaction in the replication slot.
    private async Task InsertRawAsync(DbConnection connection, DbTransaction transaction, ChaosNote[] notes, CancellationToken cancellationToken)
    {
        await using DbCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO {(_kind == ChaosWriterKind.Replication ? "chaos_replicated_notes" : "chaos_raw_notes")} (\"Id\", \"ItemId\", \"Writer\") VALUES "
            + string.Join(", ", notes.Select(static (_, i) => string.Create(CultureInfo.InvariantCulture, $"(@id{i}, @item{i}, @writer)")));
        for (int i = 0; i < notes.Length; i++)
        {
            AddParameter(insert, string.Create(CultureInfo.InvariantCulture, $"id{i}"), database.RawGuid(notes[i].Id));
            AddParameter(insert, string.Create(CultureInfo.InvariantCulture, $"item{i}"), notes[i].ItemId);
        }

        AddParameter(insert, "writer", index);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private async Task BackOffAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(random.Next(20, 100), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The run is over; the loop ends.
        }
    }
}
