using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>
/// One compiled assembly of domain types plus a <c>Probe</c> class that uses the generated surface the way an app would write it
/// (<c>client.ChatMessage().Room(roomId)</c>, <c>Theme.Values.SetAsync(store, theme)</c>): it compiling at all is the first assertion;
/// the tests then run its methods.
/// </summary>
internal static class ProbeAssembly
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Signals;
        using Signals.Client;

        namespace Probe;

        public readonly record struct RoomId(Guid Value);

        public sealed record UserId(string Value);

        [SignalNamespace("probe")]
        [Signal]
        [SignalFamily("room:{RoomId}")]
        [SignalFamily("author:{AuthorId}:room:{RoomId}")]
        [SignalFamily("thread:{ThreadId}")]
        public partial class ChatMessage
        {
            public long Id { get; set; }
            public RoomId RoomId { get; set; }
            public UserId? AuthorId { get; set; }
            public RoomId? ThreadId { get; set; }
        }

        [SignalNamespace("probe")]
        [SignalValue]
        public partial record Theme(string Mode = "dark", int FontSize = 14);

        [SignalValue("probe:timezone:{RoomId}")]
        public partial class RoomTimezone
        {
            public string Zone { get; set; } = "UTC";
        }

        public static class Probe
        {
            public static readonly RoomId General = new(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"));

            public static SignalKey RoomKey(RoomId roomId) => ChatMessage.Keys.Room(roomId);

            public static SignalKey AuthorRoomKey(UserId author, RoomId roomId) => ChatMessage.Keys.AuthorRoom(author, roomId);

            public static SignalKey[] ClientKeys(ISignalsClient client) =>
            [
                client.ChatMessage().All.Key,
                client.ChatMessage().Room(General).Key,
                client.ChatMessage().AuthorRoom(new UserId("ann:1"), General).Key,
                client.ChatMessage().Thread(new RoomId(Guid.Empty)).Key,
                client.Theme().Key,
                client.RoomTimezone("lobby:2").Key,
            ];

            public static async Task<string> WatchFirstRoomChange(ISignalsClient client, CancellationToken cancellationToken)
            {
                await foreach (SignalVersion version in client.ChatMessage().Room(General).WatchAsync(cancellationToken))
                {
                    return $"{version.Key}@{version.Version}";
                }

                return "nothing";
            }

            public static async Task<string> ReadThemeFromClient(ISignalsClient client, CancellationToken cancellationToken)
            {
                Theme theme = await client.Theme().GetAsync(cancellationToken);
                SignalValue<RoomTimezone> zone = await client.RoomTimezone("lobby").GetWithVersionAsync(cancellationToken);
                return $"{theme.Mode}/{theme.FontSize} {zone.Value.Zone}@{zone.Version}";
            }

            public static async Task<string> Describe(ISignalValueStore store, CancellationToken cancellationToken)
            {
                SignalValue<Theme> theme = await Theme.Values.GetWithVersionAsync(store, cancellationToken);
                return $"{theme.Value.Mode}/{theme.Value.FontSize}@{theme.Version}";
            }

            public static async Task<long> SetTheme(ISignalValueStore store, string mode, CancellationToken cancellationToken)
                => (await Theme.Values.SetAsync(store, new Theme(mode), cancellationToken)).Version;

            public static async Task<string> GetTheme(ISignalValueStore store, CancellationToken cancellationToken)
            {
                Theme theme = await Theme.Values.GetAsync(store, cancellationToken);
                return $"{theme.Mode}/{theme.FontSize}";
            }

            public static async Task<string> IncrementFontSize(ISignalValueStore store, long delta, CancellationToken cancellationToken)
            {
                SignalValue<Theme> theme = await Theme.Values.IncrementFontSizeAsync(store, delta, cancellationToken);
                return $"{theme.Value.Mode}/{theme.Value.FontSize}@{theme.Version}";
            }

            public static async Task<bool> DeleteTheme(ISignalValueStore store, CancellationToken cancellationToken)
                => await Theme.Values.DeleteAsync(store, cancellationToken);

            public static async Task<bool> SetNullTheme(ISignalValueStore store, CancellationToken cancellationToken)
                => (await Theme.Values.SetAsync(store, null!, cancellationToken)) is not null;

            public static async Task<string> SetZone(ISignalValueStore store, string roomId, string zone, CancellationToken cancellationToken)
            {
                SignalValue<RoomTimezone> stored = await RoomTimezone.Values.SetAsync(store, roomId, new RoomTimezone { Zone = zone }, cancellationToken);
                return $"{stored.Key}={stored.Value.Zone}";
            }

            public static async Task<string> GetZone(ISignalValueStore store, string roomId, CancellationToken cancellationToken)
                => (await RoomTimezone.Values.GetAsync(store, roomId, cancellationToken)).Zone;
        }
        """;

    private static readonly Lazy<Assembly> Assembly = new(() => GeneratorHarness.CompileAndLoad(Source));

    /// <summary>Gets a type of the probe assembly, e.g. <c>Probe.RoomId</c>.</summary>
    public static Type GetType(string name) => Assembly.Value.GetType(name, throwOnError: true)!;

    /// <summary>Creates an instance of a probe type.</summary>
    public static object Create(string typeName, params object?[] arguments) => Activator.CreateInstance(GetType(typeName), arguments)!;

    /// <summary>Calls a static method of <c>Probe.Probe</c>.</summary>
    public static T Call<T>(string method, params object?[] arguments)
    {
        MethodInfo info = GetType("Probe.Probe").GetMethod(method) ?? throw new InvalidOperationException($"Probe has no method {method}.");
        try
        {
            return (T)info.Invoke(null, arguments)!;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }

    /// <summary>Awaits a static async method of <c>Probe.Probe</c>.</summary>
    public static Task<T> CallAsync<T>(string method, params object?[] arguments) => Call<Task<T>>(method, arguments);
}
