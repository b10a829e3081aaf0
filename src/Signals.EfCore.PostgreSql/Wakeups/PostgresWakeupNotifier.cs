using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Sends the cross-instance wake-up: one short <c>pg_notify(channel, token)</c> (the instance's <see cref="OutboxSignaler.NotificationPayload"/>) from a pooled connection of its own,
/// after the saves it stands for have committed — never inside the application's transaction, whose commit would then take
/// PostgreSQL's cluster-wide notify lock and serialize every such commit.
/// </summary>
/// <remarks>
/// Coalescing (see <see cref="OutboxWakeup.SendAsync"/>): requests arriving while a notify is in flight collapse into one. A failed notify is only logged: the listeners' safety poll still delivers the change.
/// </remarks>
/// <param name="dataSource">The dispatcher's pooled data source.</param>
/// <param name="channel">The channel to notify.</param>
/// <param name="wakeup">The wake-up it sends for, opened on this application's signaler.</param>
/// <param name="logger">The logger.</param>
internal sealed class PostgresWakeupNotifier(NpgsqlDataSource dataSource, string channel, OutboxWakeup wakeup, ILogger logger) : IOutboxWakeupTransport
{
    /// <inheritdoc/>
    /// <remarks>Only sends: receiving is the <see cref="PostgresNotificationListener"/>'s.</remarks>
    public Task RunAsync(CancellationToken cancellationToken)
        => wakeup.SendAsync(NotifyAsync, exception => PostgreSqlLog.NotifyFailed(logger, "PostgreSQL NOTIFY", exception), cancellationToken);

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
