using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Reads the epoch of the database's version line (<see cref="SignalDeploymentEntry"/>, <c>signals_deployment</c>), writing it first when
/// no dispatcher did yet. Instances that start together may both try to write it: the primary key lets one win, and the other reads it.
/// On a provider whose SQL has <c>INSERT … ON CONFLICT DO NOTHING</c> (<see cref="OutboxProvider.InsertsOnConflictDoNothing"/>) the
/// loser's insert does nothing; elsewhere it is refused, caught, and logged by EF Core as a failed save.
/// </summary>
internal static class DeploymentEpoch
{
    /// <summary>Reads the epoch, writing a new one (<see cref="VersionEpoch.Create"/>) when the table has no row yet.</summary>
    /// <param name="context">A context of the app's model, with the Signals tables mapped.</param>
    /// <param name="provider">The context's outbox provider, which says how the row is written.</param>
    /// <param name="time">The clock of <see cref="SignalDeploymentEntry.CreatedAt"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The epoch, as stored.</returns>
    /// <exception cref="DbUpdateException">The row could not be written, for another reason than another instance writing it first.</exception>
    public static async Task<string> ReadOrCreateAsync(DbContext context, OutboxProvider provider, TimeProvider time, CancellationToken cancellationToken)
    {
        DbSet<SignalDeploymentEntry> rows = context.Set<SignalDeploymentEntry>();
        if (await ReadAsync(rows, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored.Epoch;
        }

        var created = new SignalDeploymentEntry { Epoch = VersionEpoch.Create(), CreatedAt = time.GetUtcNow() };
        if (provider.InsertsOnConflictDoNothing)
        {
            await InsertOnConflictDoNothingAsync(context, created, cancellationToken).ConfigureAwait(false);
            return (await ReadAsync(rows, cancellationToken).ConfigureAwait(false))?.Epoch
                ?? throw new InvalidOperationException($"'{SignalsTableNames.Deployment}' has no row after an insert of one.");
        }

        rows.Add(created);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return created.Epoch;
        }
        catch (DbUpdateException)
        {
            // Another instance wrote it first (the primary key refused ours): take theirs. No row means a real failure.
            context.ChangeTracker.Clear();
            if (await ReadAsync(rows, cancellationToken).ConfigureAwait(false) is { } winner)
            {
                return winner.Epoch;
            }

            throw;
        }
    }

    /// <summary>
    /// Inserts the row unless the table has one, with the model's table and column names and each column's type mapping (so a value
    /// converter applies as in a tracked save).
    /// </summary>
    private static async Task InsertOnConflictDoNothingAsync(DbContext context, SignalDeploymentEntry entry, CancellationToken cancellationToken)
    {
        MappedTable table = MappedTable.FromModel(context, typeof(SignalDeploymentEntry));
        IEntityType type = context.Model.FindEntityType(typeof(SignalDeploymentEntry))!;
        await using DbCommand command = context.Database.GetDbConnection().CreateCommand();
        (string Property, object Value)[] values =
        [
            (nameof(SignalDeploymentEntry.Id), entry.Id),
            (nameof(SignalDeploymentEntry.Epoch), entry.Epoch),
            (nameof(SignalDeploymentEntry.CreatedAt), entry.CreatedAt),
        ];
        DbParameter[] parameters =
        [
            .. values.Select((v, i) => type.FindProperty(v.Property)!.GetRelationalTypeMapping().CreateParameter(command, $"@signals_p{i}", v.Value)),
        ];
        string columns = string.Join(", ", values.Select(v => table.Column(v.Property)));
        string placeholders = string.Join(", ", parameters.Select(static p => p.ParameterName));
        // Identifiers from the model, delimited by the provider; every value is a parameter.
        string insert = $"INSERT INTO {table.QuotedName} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING";
        await context.Database.ExecuteSqlRawAsync(insert, parameters, cancellationToken).ConfigureAwait(false);
    }

    private static Task<SignalDeploymentEntry?> ReadAsync(DbSet<SignalDeploymentEntry> rows, CancellationToken cancellationToken)
        => rows.AsNoTracking().FirstOrDefaultAsync(e => e.Id == SignalDeploymentEntry.RowId, cancellationToken);
}
