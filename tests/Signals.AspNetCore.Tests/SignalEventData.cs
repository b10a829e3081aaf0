using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Signals.AspNetCore.Tests;

/// <summary>Reads the data of a <c>signal</c> event.</summary>
internal static class SignalEventData
{
    /// <summary>The event's key and version.</summary>
    public static (string Key, long Version) KeyAndVersion(SseItem<string> item)
    {
        using JsonDocument data = JsonDocument.Parse(item.Data);
        return (data.RootElement.GetProperty("key").GetString()!, data.RootElement.GetProperty("version").GetInt64());
    }
}
