using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// Change data capture (the sample calls <c>HasSignalCapture()</c>): writes that bypass EF Core's change tracker on instance A — raw SQL
/// through the provider's own connection (Npgsql, Microsoft.Data.Sqlite), <c>ExecuteDelete</c> — reach an SSE subscriber on instance B.
/// </summary>
public abstract partial class ChatEndToEndTests
{
    [Fact]
    public async Task Raw_sql_update_outside_EF_Core_moving_a_message_bumps_both_rooms_on_B()
    {
        string from = await CreateRoomAsync("rawfrom");
        string to = await CreateRoomAsync("rawto");
        SignalKey fromKey = ChatMessage.Keys.Room(from);
        SignalKey toKey = ChatMessage.Keys.Room(to);
        HttpResponseMessage posted = await instances.A.Http.PostAsJsonAsync($"/api/rooms/{from}/messages", new { author = "ada", text = "moved by a DBA" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        long id = (await posted.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["id"]!.GetValue<long>();
        long before = Math.Max(await OutboxVersionAsync(fromKey), await OutboxVersionAsync(toKey));
        using CancellationTokenSource deadline = Deadline();
        await using SseClient events = await SignalEvents.OpenAsync(instances.B.Http, [fromKey, toKey], deadline.Token, lastEventId: before);

        await using (DbConnection raw = await OpenRawConnectionAsync())
        {
            await using DbCommand update = raw.CreateCommand();
            update.CommandText = """UPDATE messages SET "RoomId" = @to WHERE "Id" = @id""";
            AddParameter(update, "to", to);
            AddParameter(update, "id", id);
            Assert.Equal(1, await update.ExecuteNonQueryAsync(Cancel));
        }

        await AssertBothBumpedAsync(events, before, fromKey, toKey);
        string messages = await instances.B.Http.GetStringAsync($"/api/rooms/{to}/messages", Cancel);
        Assert.Contains("moved by a DBA", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteDelete_through_the_context_bumps_the_deleted_rows_rooms_on_B()
    {
        string first = await CreateRoomAsync("bulk1");
        string second = await CreateRoomAsync("bulk2");
        string untouched = await CreateRoomAsync("bulk3");
        SignalKey firstKey = ChatMessage.Keys.Room(first);
        SignalKey secondKey = ChatMessage.Keys.Room(second);
        SignalKey untouchedKey = ChatMessage.Keys.Room(untouched);
        string spammer = $"spam-{Guid.NewGuid():N}";
        foreach ((string room, string author) in new[] { (first, spammer), (second, spammer), (first, spammer), (untouched, "ada") })
        {
            HttpResponseMessage posted = await instances.A.Http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { author, text = "hello" }, Cancel);
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        }

        long untouchedVersion = await OutboxVersionAsync(untouchedKey);
        long before = Math.Max(untouchedVersion, Math.Max(await OutboxVersionAsync(firstKey), await OutboxVersionAsync(secondKey)));
        using CancellationTokenSource deadline = Deadline();
        await using SseClient events = await SignalEvents.OpenAsync(instances.B.Http, [firstKey, secondKey, untouchedKey], deadline.Token, lastEventId: before);

        await using (AsyncServiceScope scope = instances.A.Services.CreateAsyncScope())
        {
            ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            Assert.Equal(3, await db.Messages.Where(m => m.Author == spammer).ExecuteDeleteAsync(Cancel));
        }

        await AssertBothBumpedAsync(events, before, firstKey, secondKey);
        Assert.Equal(untouchedVersion, await OutboxVersionAsync(untouchedKey));
    }

    [Fact]
    public async Task A_bulk_insert_of_100_000_rooms_outside_EF_Core_reaches_B_up_to_its_last_key()
    {
        const int Rows = 100_000;
        string prefix = $"bulk-{Guid.NewGuid():N}"[..13];
        SignalKey first = ChatMessage.Keys.Room(prefix + "-1");
        SignalKey last = ChatMessage.Keys.Room(prefix + "-" + Rows);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        await using SseClient events = await SignalEvents.OpenAsync(instances.B.Http, [first, last], deadline.Token);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using (DbConnection raw = await OpenRawConnectionAsync())
        {
            // One statement, as a data fix or an import would write it: every message in a room of its own.
            await using DbCommand insert = raw.CreateCommand();
            insert.CommandText = $"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
                INSERT INTO messages ("RoomId", "Author", "Text", "SentAt") SELECT @prefix || '-' || i, 'importer', 'imported', @now FROM n
                """;
            AddParameter(insert, "prefix", prefix);
            AddParameter(insert, "now", DateTimeOffset.UtcNow);
            Assert.Equal(Rows, await insert.ExecuteNonQueryAsync(Cancel));
        }

        TimeSpan committed = watch.Elapsed;
        var seen = new HashSet<string>();
        while (seen.Count < 2)
        {
            SignalEvents.SignalEvent signal = await events.NextSignalAsync();
            Assert.Contains(signal.Key, new[] { first.Value, last.Value });
            Assert.Equal(await OutboxVersionAsync(signal.Key == first.Value ? first : last), signal.Version);
            seen.Add(signal.Key);
        }

        TestContext.Current.SendDiagnosticMessage(
            $"{GetType().Name}: {Rows:N0} rows, {Rows:N0} keys in one INSERT: committed after {committed.TotalMilliseconds:N0} ms, the last key's event on B {(watch.Elapsed - committed).TotalMilliseconds:N0} ms later");
        await using AsyncServiceScope scope = instances.A.Services.CreateAsyncScope();
        ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        string rooms = ChatMessage.Keys.Room(prefix).Value + "-";
        Assert.Equal(Rows, await db.Set<Signals.EntityFrameworkCore.SignalOutboxEntry>().Where(e => e.Key.StartsWith(rooms)).Select(e => e.Key).Distinct().CountAsync(Cancel));
    }

    // Reads B's stream until both keys arrived (a key may come more than once: SQLite's row triggers add a row per row) and checks that
    // the latest version B sent for each is the outbox's, and that nothing else did.
    private async Task AssertBothBumpedAsync(SseClient events, long before, SignalKey left, SignalKey right)
    {
        var seen = new Dictionary<string, long>();
        long leftVersion = 0, rightVersion = 0;
        while (!(seen.GetValueOrDefault(left.Value) == leftVersion && seen.GetValueOrDefault(right.Value) == rightVersion && leftVersion > before && rightVersion > before))
        {
            SignalEvents.SignalEvent signal = await events.NextSignalAsync();
            Assert.True(signal.Version > before, "a resumed stream sends only versions after Last-Event-ID");
            Assert.Contains(signal.Key, new[] { left.Value, right.Value });
            seen[signal.Key] = signal.Version;
            leftVersion = await OutboxVersionAsync(left);
            rightVersion = await OutboxVersionAsync(right);
        }
    }

    // A connection of the provider's own ADO.NET client (NpgsqlConnection, SqliteConnection) on the database the instances share: no EF Core.
    private async Task<DbConnection> OpenRawConnectionAsync()
    {
        await using AsyncServiceScope scope = instances.A.Services.CreateAsyncScope();
        ChatDbContext db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        DbProviderFactory factory = DbProviderFactories.GetFactory(db.Database.GetDbConnection())!;
        DbConnection raw = factory.CreateConnection()!;
        raw.ConnectionString = db.Database.GetConnectionString();
        await raw.OpenAsync(Cancel);
        return raw;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
