using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Sends the cross-instance wake-up: one short <c>pg_notify(channel, token)</c> (the instance's <see cref="OutboxSignaler.NotificationPayload"/>) from a pooled connection of its own,
/// after the saves it stands for have committed — never inside the application's transaction, whose commit would then take
/// PostgreSQL's cluster-wide notify lock and serialize every such commit.
/// </summary>
/// <remarks>
/// <para>Coalescing (see <see cref="OutboxWakeup.SendAsync"/>): requests arriving while a notify is in flight collapse into one. A failed notify is only logged: the listeners' safety poll still delivers the change.</para>
/// <para>
/// Nothing is sent while no other instance listens (<see cref="ListenerPresence.PeersMayListen"/>), unless
/// <see cref="SignalsPostgreSqlOptions.NotifyWithoutPeers"/> is set: a lone instance's notify would only cost PostgreSQL a transaction
/// and a delivery to the sender's own listener.
/// </para>
/// <para>
/// The notify commits asynchronously (<see cref="NotifySql"/>): PostgreSQL gives a notifying transaction an id (the queue entry
/// records it), so it writes a commit record, and a synchronous commit would flush the WAL for it: one more WAL sync per commit,
/// which the application's own commits queue behind. A notification is not durable anyway (a crash loses the queue), so nothing is
/// given up.
/// </para>
/// </remarks>
/// <param name="dataSource">The dispatcher's pooled data source.</param>
/// <param name="channel">The channel to notify.</param>
/// <param name="wakeup">The wake-up it sends for, opened on this application's signaler.</param>
/// <param name="presence">Whether another instance listens; <see langword="null"/> to send regardless.</param>
/// <param name="logger">The logger.</param>
internal sealed class PostgresWakeupNotifier(NpgsqlDataSource dataSource, string channel, OutboxWakeup wakeup, ListenerPresence? presence, ILogger logger)
    : IOutboxWakeupTransport
{
    /// <summary>
    /// The notify, in its own implicit transaction, with <c>synchronous_commit</c> off for that transaction only (<c>set_config</c> with
    /// <c>is_local</c>: no session state is left on the connection, behind PgBouncer or not). PostgreSQL reads the setting at commit, so
    /// its place in the select list does not matter. Parameters: the channel, the payload.
    /// </summary>
    internal const string NotifySql = "SELECT pg_notify($1, $2), set_config('synchronous_commit', 'off', true)";

    private bool _alone;

    /// <inheritdoc/>
    /// <remarks>Only sends: receiving is the <see cref="PostgresNotificationListener"/>'s.</remarks>
    public Task RunAsync(CancellationToken cancellationToken)
        => wakeup.SendAsync(NotifyAsync, exception => PostgreSqlLog.NotifyFailed(logger, "PostgreSQL NOTIFY", exception), cancellationToken);

    private async Task NotifyAsync(string payload, CancellationToken cancellationToken)
    {
        if (presence is not null && presence.PeersMayListen == _alone)
        {
            _alone = !_alone;
            if (_alone)
            {
                PostgreSqlLog.Alone(logger, channel, presence.PeerTimeout);
            }
            else
            {
                PostgreSqlLog.PeersListen(logger, channel);
            }
        }

        if (_alone)
        {
            return;
        }

        NpgsqlCommand command = dataSource.CreateCommand(NotifySql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = channel });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
