using Microsoft.Extensions.DependencyInjection;

namespace Signals.AspNetCore.Tests;

/// <summary>An explicitly registered catalog, as the generator would declare it: two value signals, a family and a fixed signal.</summary>
public static class TestCatalog
{
    public static SignalCatalog Create() => new([
        new SignalDescriptor("app:theme", "Tests.Theme", SignalKind.Value),
        new SignalDescriptor("app:counter:{Name}", "Tests.Counter", SignalKind.Value),
        new SignalDescriptor("chat:room:{RoomId}", "Tests.ChatMessage", SignalKind.Family),
        new SignalDescriptor("chat:rooms", "Tests.Room", SignalKind.Signal),
    ]);

    /// <summary>Registers the catalog before <c>AddSignals()</c>, which then keeps it instead of <see cref="SignalCatalog.Registered"/>.</summary>
    public static void AddTo(IServiceCollection services) => services.AddSingleton(Create());
}
