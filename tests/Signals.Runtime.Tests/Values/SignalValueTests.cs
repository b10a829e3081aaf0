using System.Text.Json;

namespace Signals.Runtime.Tests.Values;

/// <summary>What a typed reader of a value signal gets: the version as a number, the wire shape in JSON, and a clear error for bad data.</summary>
public class SignalValueTests
{
    private static readonly SignalKey Settings = SignalKey.Parse("shop:shop-settings");

    private sealed record ShopSettings(string Currency, int PageSize);

    [Fact]
    public async Task Typed_read_of_a_value_that_is_not_the_type_names_the_key_the_version_and_the_type()
    {
        var hub = new SignalHub();
        var store = new InMemorySignalStore(hub, TimeProvider.System);
        CancellationToken ct = TestContext.Current.CancellationToken;
        SignalValue<JsonElement> stored = await store.SetAsync(Settings, JsonSerializer.SerializeToElement("hello"), ct);

        SignalValueFormatException error = await Assert.ThrowsAsync<SignalValueFormatException>(
            () => store.GetAsync(Settings, static () => new ShopSettings("EUR", 20), ct).AsTask());

        Assert.Equal(Settings, error.Key);
        Assert.Equal(stored.State, error.State);
        Assert.Equal(typeof(ShopSettings), error.ValueType);
        Assert.IsType<JsonException>(error.InnerException, exactMatch: false);
        Assert.Contains($"'shop:shop-settings' (version {stored.Version})", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(ShopSettings).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("Path: $", error.Message, StringComparison.Ordinal);
        Assert.Equal(stored.Version, hub.Cursor);
    }

    [Fact]
    public void Typed_read_of_a_stored_null_is_the_same_clear_error()
    {
        var stored = new SignalValue<JsonElement>(new SignalVersion(Settings, 7, null, DateTimeOffset.UnixEpoch), JsonSerializer.SerializeToElement<object?>(null));

        SignalValueFormatException error = Assert.Throws<SignalValueFormatException>(() => SignalValueStoreExtensions.Deserialize<ShopSettings>(stored));

        Assert.Null(error.InnerException);
        Assert.Contains("'shop:shop-settings' (version 7)", error.Message, StringComparison.Ordinal);
        Assert.Contains("it is null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_is_the_number_and_State_the_rest()
    {
        var state = new SignalVersion(Settings, 42, "9f86d081884c7d65", DateTimeOffset.FromUnixTimeMilliseconds(1_699_876_543_210));
        var value = new SignalValue<ShopSettings>(state, new ShopSettings("EUR", 20));

        long version = value.Version;

        Assert.Equal(42, version);
        Assert.Equal(Settings, value.Key);
        Assert.Equal(state, value.State);
    }

    [Fact]
    public void Serializes_to_the_wire_shape_of_a_value_answer_and_back()
    {
        var value = new SignalValue<ShopSettings>(
            new SignalVersion(Settings, 42, "9f86d081884c7d65", DateTimeOffset.FromUnixTimeMilliseconds(1_699_876_543_210)), new ShopSettings("EUR", 20));

        string json = JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

        Assert.Equal(
            """{"key":"shop:shop-settings","version":42,"hash":"9f86d081884c7d65","updatedAt":1699876543210,"value":{"currency":"EUR","pageSize":20}}""",
            json);
        Assert.Equal(value, JsonSerializer.Deserialize<SignalValue<ShopSettings>>(json, JsonSerializerOptions.Web));
    }

    [Theory]
    [InlineData("""[]""")]
    [InlineData("""{"version":1,"value":1}""")]
    [InlineData("""{"key":"a:b","version":1}""")]
    [InlineData("""{"key":"a b","value":1}""")]
    public void Reading_a_malformed_value_answer_is_a_JsonException(string json)
        => Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<SignalValue<int>>(json, JsonSerializerOptions.Web));
}
