using Microsoft.EntityFrameworkCore;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Reads the epoch of the database's version line (<see cref="SignalDeploymentEntry"/>, <c>signals_deployment</c>), writing it first when
/// no dispatcher did yet. Instances that start together may both try to write it: the primary key lets one win, and the other reads it.
/// </summary>
internal static class DeploymentEpoch
{
    /// <summary>Reads the epoch, writing a new one (<see cref="VersionEpoch.Create"/>) when the table has no row yet.</summary>
    /// <param name="context">A context of the app's model, with the Signals tables mapped.</param>
    /// <param name="time">The clock of <see cref="SignalDeploymentEntry.CreatedAt"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The epoch, as stored.</returns>
    /// <exception cref="DbUpdateException">The row could not be written, for another reason than another instance writing it first.</exception>
    public static async Task<string> ReadOrCreateAsync(DbContext context, TimeProvider time, CancellationToken cancellationToken)
    {
        DbSet<SignalDeploymentEntry> rows = context.Set<SignalDeploymentEntry>();
        if (await ReadAsync(rows, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored.Epoch;
        }

        var created = new SignalDeploymentEntry { Epoch = VersionEpoch.Create(), CreatedAt = time.GetUtcNow() };
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

    private static Task<SignalDeploymentEntry?> ReadAsync(DbSet<SignalDeploymentEntry> rows, CancellationToken cancellationToken)
        => rows.AsNoTracking().FirstOrDefaultAsync(e => e.Id == SignalDeploymentEntry.RowId, cancellationToken);
}
