using System.Net;
using System.Net.Http.Json;
using Signals.Samples.Chat.Model;
using Signals.Testing;

namespace Signals.EndToEnd.Tests;

/// <summary>The sample as <c>dotnet run</c> starts it with no set-up: EF Core in-memory and the polling dispatcher.</summary>
public sealed class NoSetupSampleTests
{
    [Fact]
    public async Task Message_posted_through_the_API_appears_on_an_open_SSE_stream()
    {
        CancellationToken cancel = TestContext.Current.CancellationToken;
        await using ChatInstance app = await ChatInstance.StartAsync("solo", connectionString: null, cancel);
        SignalKey key = ChatMessage.Keys.Room("general");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        await using SseClient events = await SignalEvents.OpenAsync(app.Http, [key], deadline.Token);

        HttpResponseMessage posted = await app.Http.PostAsJsonAsync("/api/rooms/general/messages", new { author = "ada", text = "no set-up needed" }, cancel);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        SignalEvents.SignalEvent signal = await events.NextSignalAsync();
        Assert.Equal(key.Value, signal.Key);
        Assert.True(signal.Version > 0);
        Assert.Contains("no set-up needed", await app.Http.GetStringAsync("/api/rooms/general/messages", cancel), StringComparison.Ordinal);
        Assert.Contains("<title>Signals chat</title>", await app.Http.GetStringAsync("/", cancel), StringComparison.Ordinal);
    }
}
