using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Signals.Samples.Chat.Counter;

namespace Signals.EndToEnd.Tests;

/// <summary>
/// The sample as <c>dotnet run</c> starts it with no set-up: no database configured, so its default SQLite file
/// (<c>signals-chat.db</c> in the content root) and the polling dispatcher; the data is still there after a restart.
/// </summary>
public sealed class NoSetupSampleTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Message_posted_through_the_API_appears_on_an_open_SSE_stream()
    {
        using var directory = new TempDirectory();
        await using ChatInstance app = await ChatInstance.StartAsync("solo", ChatStorage.Default(directory.Path), Cancel);
        SignalKey key = ChatMessage.Keys.Room("general");
        using CancellationTokenSource deadline = TestDeadline.Start(10);
        await using SseClient events = await SignalEvents.OpenAsync(app.Http, [key], deadline.Token);

        HttpResponseMessage posted = await app.Http.PostAsJsonAsync("/api/rooms/general/messages", new { author = "ada", text = "no set-up needed" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        SignalEvents.SignalEvent signal = await events.NextSignalAsync();
        Assert.Equal(key.Value, signal.Key);
        Assert.True(signal.Version > 0);
        Assert.Contains("no set-up needed", await app.Http.GetStringAsync("/api/rooms/general/messages", Cancel), StringComparison.Ordinal);
        Assert.Contains("<title>Signals chat</title>", await app.Http.GetStringAsync("/", Cancel), StringComparison.Ordinal);
        Assert.True(File.Exists(directory.File("signals-chat.db")), "the default database is signals-chat.db in the content root");
        Assert.IsType<SqliteChatDbContext>(app.Services.CreateScope().ServiceProvider.GetRequiredService<ChatDbContext>());
    }

    [Fact]
    public async Task Messages_rooms_counter_and_clock_settings_survive_a_restart()
    {
        using var directory = new TempDirectory();
        long counterVersion;
        long roomsVersion;
        await using (ChatInstance first = await ChatInstance.StartAsync("first", ChatStorage.Default(directory.Path), Cancel))
        {
            (await first.Http.PostAsJsonAsync("/api/rooms", new { name = "Kept" }, Cancel)).EnsureSuccessStatusCode().Dispose();
            (await first.Http.PostAsJsonAsync("/api/rooms/kept/messages", new { author = "ada", text = "still here" }, Cancel)).EnsureSuccessStatusCode().Dispose();
            for (int i = 0; i < 3; i++)
            {
                (await first.Http.PostAsync("/api/counter/increment", null, Cancel)).EnsureSuccessStatusCode().Dispose();
            }

            (await first.Http.PutAsJsonAsync("/api/clock/kept/zone", new { timeZone = "Asia/Tokyo" }, Cancel)).EnsureSuccessStatusCode().Dispose();
            counterVersion = (await first.Http.GetFromJsonAsync<CounterApi.CounterDto>("/api/counter", Cancel))!.Version;
            roomsVersion = (await first.Services.GetRequiredService<SignalHub>().GetVersionAsync(Room.Keys.All, Cancel)).Version;
        }

        SqliteConnection.ClearAllPools();
        await using ChatInstance restarted = await ChatInstance.StartAsync("restarted", ChatStorage.Default(directory.Path), Cancel);

        Assert.Contains("kept", await restarted.Http.GetStringAsync("/api/rooms", Cancel), StringComparison.Ordinal);
        Assert.Contains("still here", await restarted.Http.GetStringAsync("/api/rooms/kept/messages", Cancel), StringComparison.Ordinal);
        Assert.Equal(new CounterApi.CounterDto(3, counterVersion), await restarted.Http.GetFromJsonAsync<CounterApi.CounterDto>("/api/counter", Cancel));
        JsonObject clock = (await restarted.Http.GetFromJsonAsync<JsonObject>("/api/clock/kept", Cancel))!;
        Assert.Equal("Asia/Tokyo", (string)clock["timeZone"]!);

        // The versions carry on from where they were (no client sees a key go back), and the next change is above them.
        JsonObject sync = await SyncAsync(restarted, Room.Keys.All, CounterKey);
        Assert.Equal(roomsVersion, (long)sync["changed"]![Room.Keys.All.Value]!["version"]!);
        Assert.Equal(counterVersion, (long)sync["changed"]![CounterKey.Value]!["version"]!);
        CounterApi.CounterDto next = (await (await restarted.Http.PostAsync("/api/counter/increment", null, Cancel)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<CounterApi.CounterDto>(Cancel))!;
        Assert.Equal(4, next.Count);
        Assert.True(next.Version > Math.Max(counterVersion, roomsVersion));
    }

    private static SignalKey CounterKey => ClickCounter.Keys.Value;

    private static async Task<JsonObject> SyncAsync(ChatInstance instance, params SignalKey[] keys)
    {
        using HttpResponseMessage response = await instance.Http.PostAsJsonAsync(
            "/signals/sync", new { known = keys.ToDictionary(k => k.Value, _ => 0L) }, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
    }
}
