using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;

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
    /// Reads the next <c>signal</c> event and checks its id, <c>C</c> or <c>C-H</c>: a resume cursor <c>C</c> at or below its version (below
    /// it while a lower version may still commit: see <c>SignalSubscription.ResumeCursor</c>) and, when sent, the highest version the
    /// client may have seen, <c>H</c>, above <c>C</c> and at or above the version.
    /// </summary>
    public static async Task<SignalEvent> NextSignalAsync(this SseClient events)
    {
        while (true)
        {
            SseItem<string> item = await events.NextAsync();
            if (item.EventType == "signal")
            {
                SignalEvent signal = JsonSerializer.Deserialize<SignalEvent>(item.Data, JsonSerializerOptions.Web)!;
                string[] parts = SseEventId.Numbers(item.EventId).Split('-');
                long resume = long.Parse(parts[0], CultureInfo.InvariantCulture);
                Assert.InRange(resume, 0, signal.Version);
                if (parts.Length > 1)
                {
                    Assert.Equal(2, parts.Length);
                    Assert.InRange(long.Parse(parts[1], CultureInfo.InvariantCulture), Math.Max(resume + 1, signal.Version), long.MaxValue);
                }
                else
                {
                    Assert.Equal(signal.Version, resume);
                }
                return signal;
            }
        }
    }

    /// <summary>The data of a <c>signal</c> event.</summary>
    public sealed record SignalEvent(string Key, long Version, string? Hash, long UpdatedAt);
}
