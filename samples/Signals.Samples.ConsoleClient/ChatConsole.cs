using System.Globalization;
using System.Net.Http.Json;
using Signals.Client;
using Signals.Samples.Chat.Chat;
using Signals.Samples.Chat.Model;

namespace Signals.Samples.ConsoleClient;

/// <summary>
/// Prints the chat's messages as they arrive: a live query of the room list (<c>chat:rooms</c>), and one live query per room
/// (<c>chat:room:{id}</c>) that refetches <c>GET /api/rooms/{id}/messages</c> each time the room's version changes.
/// </summary>
/// <param name="http">A client of the chat app (its <see cref="HttpClient.BaseAddress"/> is the chat's address).</param>
/// <param name="signals">The Signals client of the chat app.</param>
public sealed class ChatConsole(HttpClient http, ISignalsClient signals)
{
    /// <summary>Prints every room's messages (the recent ones first, then new ones as they arrive) until canceled.</summary>
    /// <param name="output">Where to print, one line per message.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <returns>A task that ends with <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is canceled.</returns>
    public async Task RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        TextWriter console = TextWriter.Synchronized(output);
        Dictionary<string, Task> watching = [];

        // The room list is itself a live query: a room added later is watched too. Room() and ChatMessage() are the typed
        // accessors the generator emits for the chat sample's [Signal] types.
        await using SignalQuery<Room[]> rooms = signals.Room().All
            .Query(async token => await http.GetFromJsonAsync<Room[]>("api/rooms", token) ?? []);
        rooms.PropertyChanged += (_, e) =>
        {
            if (e.PropertyName == nameof(rooms.Error) && rooms.Error is { } error)
            {
                console.WriteLine($"! cannot load the rooms from {http.BaseAddress}: {error.Message}");
            }
        };

        try
        {
            await foreach (Room[] list in rooms.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (Room room in list.Where(room => !watching.ContainsKey(room.Id)))
                {
                    watching[room.Id] = PrintRoomAsync(room.Id, console, cancellationToken);
                }
            }
        }
        finally
        {
            await Task.WhenAll(watching.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PrintRoomAsync(string roomId, TextWriter console, CancellationToken cancellationToken)
    {
        await using SignalQuery<ChatApi.MessageDto[]> messages = signals.ChatMessage().Room(roomId)
            .Query(async token => await http.GetFromJsonAsync<ChatApi.MessageDto[]>($"api/rooms/{Uri.EscapeDataString(roomId)}/messages", token) ?? []);
        long printed = 0;
        await foreach (ChatApi.MessageDto[] list in messages.WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (ChatApi.MessageDto message in list.Where(m => m.Id > printed))
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{roomId}] {message.SentAt.ToLocalTime():HH:mm:ss} {message.Author}: {message.Text}"));
                printed = message.Id;
            }
        }
    }
}
