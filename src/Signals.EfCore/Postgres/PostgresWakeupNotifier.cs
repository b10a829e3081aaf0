using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Sends the cross-instance wake-up: one short <c>pg_notify(channel, token)</c> (the instance's <see cref="OutboxSignaler.NotificationPayload"/>) from a pooled connection of its own,
/// after the saves it stands for have committed — never inside the application's transaction, whose commit would then take
/// PostgreSQL's cluster-wide notify lock and serialize every such commit.
/// </summary>
/// <remarks>
/// Coalescing (see <see cref="OutboxWakeup.SendAsync"/>): requests arriving while a notify is in flight collapse into one. A failed notify is only logged: the listeners' safety poll still delivers the change.
/// </remarks>
internal sealed class PostgresWakeupNotifier(NpgsqlDataSource dataSource, string channel, OutboxWakeup wakeup, ILogger logger)
{
    /// <summary>Sends wake-ups until <paramref name="cancellationToken"/> is canceled.</summary>
    /// <param name="cancellationToken">Stops sending.</param>
    /// <returns>A task that completes when sending stopped.</returns>
    public Task RunAsync(CancellationToken cancellationToken)
        => wakeup.SendAsync(NotifyAsync, exception => Log.NotifyFailed(logger, "PostgreSQL NOTIFY", exception), cancellationToken);

    private async Task NotifyAsync(string payload, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = channel });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
