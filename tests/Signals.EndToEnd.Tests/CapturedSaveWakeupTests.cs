namespace Signals.EndToEnd.Tests;

/// <summary>
/// An EF Core save of a captured table (the chat sample captures its messages on PostgreSQL) stages nothing: the triggers write its
/// outbox rows. It must still wake the dispatchers when it commits (the local one, and the other instances' through <c>NOTIFY</c>), as a
/// staged save does, instead of leaving its change to their next safety poll. The poll is set to a minute here, so only a wake-up can
/// deliver the change within the test's ten seconds.
/// </summary>
/// <param name="server">The assembly's PostgreSQL server.</param>
public sealed class CapturedSaveWakeupTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_captured_save_reaches_subscribers_on_its_own_instance_and_another_without_waiting_for_a_poll()
    {
        string db = await server.CreateDatabaseAsync("capturewake", Cancel);
        string[] slowPoll = ["--Signals:Outbox:PollInterval", "00:01:00"];
        await using ChatInstance a = await ChatInstance.StartAsync("wake-a", ChatStorage.PostgreSql(db), Cancel, slowPoll);
        await using ChatInstance b = await ChatInstance.StartAsync("wake-b", ChatStorage.PostgreSql(db), Cancel, slowPoll);
        string room = await a.CreateRoomAsync("wake");
        SignalKey key = ChatMessage.Keys.Room(room);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        await using SseClient onA = await SignalEvents.OpenAsync(a.Http, [key], deadline.Token, lastEventId: 0);
        await using SseClient onB = await SignalEvents.OpenAsync(b.Http, [key], deadline.Token, lastEventId: 0);

        await a.PostMessageAsync(room, "woken");

        Assert.Equal(key.Value, (await onA.NextSignalAsync()).Key);
        Assert.Equal(key.Value, (await onB.NextSignalAsync()).Key);
    }
}
