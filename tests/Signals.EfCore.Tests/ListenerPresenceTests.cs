using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>
/// Wake-ups go only where another instance listens: each listener announces itself on the channel, a lone instance sends no
/// <c>pg_notify</c>, and an announcement brings them back at once. Listener timeout 2 s: announcements every second (each must answer
/// within a second, even with the whole suite running), alone after 4 s.
/// </summary>
public sealed class ListenerPresenceTests(PostgresServer server)
{
    private static readonly TimeSpan ListenerTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan PeerTimeout = 2 * ListenerTimeout;

    private static readonly Action<ISignalsOutboxBuilder> ShortListenerTimeout = outbox => outbox.UsePostgreSql(p => p.ListenerTimeout = ListenerTimeout);

    [Fact]
    public async Task A_lone_instance_sends_no_wake_ups_until_another_listener_announces_itself_then_sends_one_at_once()
    {
        string db = await TestDatabase.CreateAsync(server, "lonelistener");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll, ShortListenerTimeout);
        string token = app.Services.GetRequiredKeyedService<OutboxSignaler>(typeof(ChatDbContext)).NotificationPayload;
        await using ChannelProbe probe = await ChannelProbe.OpenAsync(db);

        // The app announces itself; this probe listens without announcing, so once the peer timeout has passed the app is alone.
        await probe.WaitForAsync(token + ":listening");
        await probe.DrainAsync(PeerTimeout + TimeSpan.FromSeconds(1));
        await app.SaveMessageAsync("alone", "nobody else listens");
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("alone"));

        // Everything the probe hears until the app has announced itself twice more: no wake-up among it.
        IReadOnlyList<string> heard = await probe.WaitForAsync(token + ":listening", times: 2);
        Assert.DoesNotContain(token, heard);

        // A newcomer's announcement gets one wake-up in reply (for what it missed), and commits are announced again.
        await probe.SendAsync("newcomer:listening");
        await probe.WaitForAsync(token);
        await app.SaveMessageAsync("alone", "someone listens now");
        await probe.WaitForAsync(token);
    }

    [Fact]
    public async Task With_NotifyWithoutPeers_a_lone_instance_still_sends_its_wake_ups()
    {
        string db = await TestDatabase.CreateAsync(server, "notifyalways");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(
            db, SignalsTestApp.NoSafetyPoll, outbox => outbox.UsePostgreSql(p => (p.ListenerTimeout, p.NotifyWithoutPeers) = (ListenerTimeout, true)));
        string token = app.Services.GetRequiredKeyedService<OutboxSignaler>(typeof(ChatDbContext)).NotificationPayload;
        await using ChannelProbe probe = await ChannelProbe.OpenAsync(db);

        await probe.WaitForAsync(token + ":listening");
        await probe.DrainAsync(PeerTimeout + TimeSpan.FromSeconds(1));
        await app.SaveMessageAsync("alone", "an external LISTEN hears it");
        await probe.WaitForAsync(token);
    }

    [Fact]
    public async Task Instances_that_start_apart_find_each_other_and_keep_waking_each_other_past_the_peer_timeout()
    {
        string db = await TestDatabase.CreateAsync(server, "peers");

        // The first instance is alone long enough to stop sending wake-ups.
        await using SignalsTestApp first = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll, ShortListenerTimeout);
        await first.WaitForHealthAsync(HealthStatus.Healthy);
        await Task.Delay(PeerTimeout + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        // The newcomer has read the outbox once; with a 5-minute poll only the first instance's wake-up can bring it this save.
        await using SignalsTestApp second = await SignalsTestApp.StartPostgresAsync(db, SignalsTestApp.NoSafetyPoll, ShortListenerTimeout);
        await second.WaitForHealthAsync(HealthStatus.Healthy);
        await first.SaveMessageAsync("after-join", "a");
        await HubAssert.WaitForVersionAsync(second.Hub, ChatMessage.Room("after-join"));

        // Past another peer timeout the announcements keep both sending, both ways.
        await Task.Delay(PeerTimeout + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await first.SaveMessageAsync("later-first", "b");
        await second.SaveMessageAsync("later-second", "c");
        await HubAssert.WaitForVersionAsync(second.Hub, ChatMessage.Room("later-first"));
        await HubAssert.WaitForVersionAsync(first.Hub, ChatMessage.Room("later-second"));
    }

    /// <summary>A plain connection that <c>LISTEN</c>s on the Signals channel without announcing itself, as another program would.</summary>
    private sealed class ChannelProbe : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly ConcurrentQueue<string> _payloads = new();

        private ChannelProbe(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notification += (_, e) => _payloads.Enqueue(e.Payload);
        }

        public static async Task<ChannelProbe> OpenAsync(string connectionString)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            var probe = new ChannelProbe(connection);
            await probe.ExecuteAsync("LISTEN signals");
            return probe;
        }

        /// <summary>
        /// Waits until notifications with <paramref name="payload"/> arrived <paramref name="times"/> times (within
        /// <see cref="HubAssert.DefaultTimeout"/>).
        /// </summary>
        /// <returns>Every payload heard meanwhile, the awaited ones included.</returns>
        public async Task<IReadOnlyList<string>> WaitForAsync(string payload, int times = 1)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(HubAssert.DefaultTimeout);
            var heard = new List<string>();
            while (true)
            {
                while (_payloads.TryDequeue(out string? next))
                {
                    heard.Add(next);
                    if (next == payload && --times == 0)
                    {
                        return heard;
                    }
                }

                try
                {
                    await _connection.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    Assert.Fail($"No notification '{payload}' within {HubAssert.DefaultTimeout}; heard: {string.Join(", ", heard)}.");
                }
            }
        }

        /// <summary>Receives for <paramref name="duration"/> and forgets what it heard.</summary>
        public async Task DrainAsync(TimeSpan duration)
        {
            long until = TimeProvider.System.GetTimestamp() + (long)(duration.TotalSeconds * TimeProvider.System.TimestampFrequency);
            TimeSpan left;
            while ((left = TimeProvider.System.GetElapsedTime(TimeProvider.System.GetTimestamp(), until)) > TimeSpan.Zero)
            {
                await _connection.WaitAsync(left, TestContext.Current.CancellationToken);
            }

            _payloads.Clear();
        }

        public Task SendAsync(string payload) => ExecuteAsync($"SELECT pg_notify('signals', '{payload}')");

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        private async Task ExecuteAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, _connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }
}
