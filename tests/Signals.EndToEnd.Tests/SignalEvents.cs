using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Signals.Testing;

namespace Signals.EndToEnd.Tests;

/// <summary>Opens <c>/signals/events</c> streams and reads their <c>signal</c> events.</summary>
internal static class SignalEvents
{
    /// <summary>Opens a stream of <paramref name="keys"/>; every read is bounded by <paramref name="deadline"/>.</summary>
    public static Task<SseClient> OpenAsync(HttpClient http, IEnumerable<SignalKey> keys, CancellationToken deadline, long? lastEventId = null)
        => SseClient.OpenAsync(
            http,
            "/signals/events?" + string.Join('&', keys.Select(k => "key=" + Uri.EscapeDataString(k.Value))),
            deadline,
            lastEventId?.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Reads the next <c>signal</c> event and checks that its id is a resume cursor at or below its version (below it while a lower
    /// version may still commit: see <c>SignalSubscription.ResumeCursor</c>).
    /// </summary>
    public static async Task<SignalEvent> NextSignalAsync(this SseClient events)
    {
        while (true)
        {
            SseItem<string> item = await events.NextAsync();
            if (item.EventType == "signal")
            {
                SignalEvent signal = JsonSerializer.Deserialize<SignalEvent>(item.Data, JsonSerializerOptions.Web)!;
                Assert.InRange(long.Parse(item.EventId!, CultureInfo.InvariantCulture), 0, signal.Version);
                return signal;
            }
        }
    }

    /// <summary>The data of a <c>signal</c> event.</summary>
    public sealed record SignalEvent(string Key, long Version, string? Hash, long UpdatedAt);
}
