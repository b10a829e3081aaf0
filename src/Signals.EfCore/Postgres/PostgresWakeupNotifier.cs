using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Sends the cross-instance wake-up: one short <c>pg_notify(channel, highestOutboxId)</c> from a pooled connection of its own,
/// after the saves it stands for have committed — never inside the application's transaction, whose commit would then take
/// PostgreSQL's cluster-wide notify lock and serialize every such commit.
/// </summary>
/// <remarks>
/// Coalescing: requests arriving while a notify is in flight collapse into one, which carries the highest committed id. A failed
/// notify is only logged: the listeners' safety poll still delivers the change.
/// </remarks>
internal sealed class PostgresWakeupNotifier(NpgsqlDataSource dataSource, string channel, OutboxSignaler signaler, ILogger logger)
{
    private static readonly TimeSpan FailureDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Sends wake-ups until <paramref name="cancellationToken"/> is canceled.</summary>
    /// <param name="cancellationToken">Stops sending.</param>
    /// <returns>A task that completes when sending stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await signaler.NotifyRequests.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                signaler.NotifyRequests.TryRead(out _);
                try
                {
                    NpgsqlCommand command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
                    await using (command.ConfigureAwait(false))
                    {
                        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = channel });
                        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = signaler.NotificationPayload });
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.NotifyFailed(logger, exception);
                    await Task.Delay(FailureDelay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
