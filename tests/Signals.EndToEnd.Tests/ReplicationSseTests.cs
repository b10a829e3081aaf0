using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// Capture by logical replication end to end: a psql-style <c>UPDATE</c> on a plain Npgsql connection moves a chat message between
/// rooms, and an SSE subscriber on the instance that does not read the replication slot gets both rooms' events, over real Kestrel.
/// </summary>
public sealed class ReplicationSseTests(PostgresServer postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_raw_move_on_a_plain_connection_reaches_an_SSE_subscriber_on_the_other_instance_for_both_rooms()
    {
        string db = await postgres.CreateDatabaseAsync("chat_replication", Cancel);
        await using (var context = new ReplicatedChatDbContext(new DbContextOptionsBuilder<ReplicatedChatDbContext>().UseNpgsql(db).UseSignals(s => s.UsePostgreSql()).Options))
        {
            await context.Database.EnsureCreatedAsync(Cancel);
        }

        // A starts first and takes the slot; B waits on standby and hears of A's writes by LISTEN/NOTIFY.
        await using WebApplication a = await StartAsync(db);
        await using WebApplication b = await StartAsync(db);
        using HttpClient bHttp = LoopbackSignalsApp.Client(b);
        await ExecuteAsync(db, """
            INSERT INTO rooms ("Id", "Name") VALUES ('repfrom', 'from'), ('repto', 'to');
            INSERT INTO messages ("RoomId", "Author", "Text", "SentAt") VALUES ('repfrom', 'ada', 'moved by a DBA', now());
            """);
        SignalKey from = ChatMessage.Keys.Room("repfrom"), to = ChatMessage.Keys.Room("repto");
        long before = await OutboxVersionAsync(db, from);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await using SseClient events = await SignalEvents.OpenAsync(bHttp, [from, to], deadline.Token, lastEventId: before);

        await ExecuteAsync(db, """UPDATE messages SET "RoomId" = 'repto' WHERE "RoomId" = 'repfrom'""");

        var seen = new Dictionary<string, long>();
        while (seen.Count < 2)
        {
            SignalEvents.SignalEvent signal = await events.NextSignalAsync();
            Assert.True(signal.Version > before, "a resumed stream sends only versions after Last-Event-ID");
            seen[signal.Key] = signal.Version;
        }

        Assert.Equal(await OutboxVersionAsync(db, from), seen[from.Value]);
        Assert.Equal(await OutboxVersionAsync(db, to), seen[to.Value]);
    }

    private static Task<WebApplication> StartAsync(string db)
        => LoopbackSignalsApp.StartAsync(
            builder =>
            {
                builder.Services.AddDbContext<ReplicatedChatDbContext>(o => o.UseNpgsql(db));
                builder.Services.AddSignals().AddHttpEndpoints().AddEntityFrameworkCoreOutbox<ReplicatedChatDbContext>().UsePostgreSql();
            },
            Cancel);

    /// <summary>Runs SQL on a plain Npgsql connection, as psql would: autocommit, nothing of EF Core or Signals in the way.</summary>
    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    /// <summary>The key's latest outbox version: after the insert, the replication reader's row once it arrives.</summary>
    private static async Task<long> OutboxVersionAsync(string db, SignalKey key)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(Cancel);
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM signals_outbox WHERE key = @key", connection);
            command.Parameters.AddWithValue("key", key.Value);
            long version = (long)(await command.ExecuteScalarAsync(Cancel))!;
            if (version > 0)
            {
                return version;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"'{key}' never reached the outbox.");
            await Task.Delay(20, Cancel);
        }
    }
}
