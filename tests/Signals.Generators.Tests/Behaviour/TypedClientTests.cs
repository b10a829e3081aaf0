using System.Text.Json;

namespace Signals.Generators.Tests.Behaviour;

/// <summary>The generated accessors over <see cref="Signals.Client.ISignalsClient"/>: <c>client.ChatMessage().Room(id)</c>, <c>client.Theme()</c>.</summary>
public class TypedClientTests
{
    private const string General = "0f8fad5b-d9cb-469f-a165-70867728950e";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Accessors_give_the_same_keys_as_the_key_factories()
    {
        SignalKey[] keys = ProbeAssembly.Call<SignalKey[]>("ClientKeys", new RecordingSignalsClient());

        Assert.Equal(
            [
                "probe:chat-message",
                "probe:room:" + General,
                "probe:author:ann%3A1:room:" + General,
                "probe:thread:00000000-0000-0000-0000-000000000000",
                "probe:theme",
                "probe:timezone:lobby%3A2",
            ],
            keys.Select(k => k.Value));
    }

    [Fact]
    public async Task Watching_a_family_member_watches_exactly_its_key()
    {
        var client = new RecordingSignalsClient();

        Assert.Equal($"probe:room:{General}@7", await ProbeAssembly.CallAsync<string>("WatchFirstRoomChange", client, Token));
        Assert.Equal(["probe:room:" + General], client.Watched.Select(k => k.Value));
    }

    [Fact]
    public async Task Value_accessors_read_the_stored_value_or_the_default()
    {
        var client = new RecordingSignalsClient();
        SignalKey theme = SignalKey.Parse("probe:theme");
        client.Values[theme] = new SignalValue<JsonElement>(
            new SignalVersion(theme, 3, "h", DateTimeOffset.UnixEpoch),
            JsonSerializer.SerializeToElement(new { mode = "light", fontSize = 20 }));

        Assert.Equal("light/20 UTC@0", await ProbeAssembly.CallAsync<string>("ReadThemeFromClient", client, Token));
        Assert.Equal(["probe:theme", "probe:timezone:lobby"], client.ValueReads.Select(k => k.Value));
    }

    [Fact]
    public void A_null_client_is_rejected()
    {
        ArgumentNullException exception = Assert.Throws<ArgumentNullException>(() => ProbeAssembly.Call<SignalKey[]>("ClientKeys", [null]));

        Assert.Equal("client", exception.ParamName);
    }
}
