namespace Signals.Generators.Tests.Behaviour;

/// <summary>The generated value accessors (<c>Theme.Values.GetAsync/SetAsync/DeleteAsync/Increment…Async</c>) over the in-memory store.</summary>
public class ValueSignalTests
{
    private readonly SignalHub _hub = new();
    private readonly InMemorySignalStore _store;

    public ValueSignalTests() => _store = new InMemorySignalStore(_hub, TimeProvider.System);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Before_anything_is_stored_readers_get_the_default_at_version_zero()
    {
        Assert.Equal("dark/14@0", await ProbeAssembly.CallAsync<string>("Describe", _store, Token));
        Assert.Equal("dark/14", await ProbeAssembly.CallAsync<string>("GetTheme", _store, Token));
    }

    [Fact]
    public async Task Setting_an_equal_value_keeps_the_version_and_publishes_nothing()
    {
        long first = await ProbeAssembly.CallAsync<long>("SetTheme", _store, "light", Token);
        long again = await ProbeAssembly.CallAsync<long>("SetTheme", _store, "light", Token);

        Assert.True(first > 0);
        Assert.Equal(first, again);
        Assert.Equal(first, _hub.Cursor);
        Assert.Equal($"light/14@{first}", await ProbeAssembly.CallAsync<string>("Describe", _store, Token));

        long changed = await ProbeAssembly.CallAsync<long>("SetTheme", _store, "dark", Token);
        Assert.True(changed > first);
    }

    [Fact]
    public async Task Increment_starts_from_the_default_and_bumps_the_version()
    {
        Assert.Equal("dark/16@1", await ProbeAssembly.CallAsync<string>("IncrementFontSize", _store, 2L, Token));
        Assert.Equal("dark/10@2", await ProbeAssembly.CallAsync<string>("IncrementFontSize", _store, -6L, Token));
    }

    [Fact]
    public async Task Delete_brings_back_the_default()
    {
        await ProbeAssembly.CallAsync<long>("SetTheme", _store, "light", Token);

        Assert.True(await ProbeAssembly.CallAsync<bool>("DeleteTheme", _store, Token));
        Assert.Equal("dark/14@0", await ProbeAssembly.CallAsync<string>("Describe", _store, Token));
        Assert.False(await ProbeAssembly.CallAsync<bool>("DeleteTheme", _store, Token));
    }

    [Fact]
    public async Task A_null_value_is_rejected_and_changes_nothing()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => ProbeAssembly.CallAsync<bool>("SetNullTheme", _store, Token));

        Assert.Equal("dark/14@0", await ProbeAssembly.CallAsync<string>("Describe", _store, Token));
        Assert.Equal(0, _hub.Cursor);
    }

    [Fact]
    public async Task A_template_value_is_one_value_per_escaped_argument()
    {
        Assert.Equal("probe:timezone:a%3Ab=CET", await ProbeAssembly.CallAsync<string>("SetZone", _store, "a:b", "CET", Token));

        Assert.Equal("CET", await ProbeAssembly.CallAsync<string>("GetZone", _store, "a:b", Token));
        Assert.Equal("UTC", await ProbeAssembly.CallAsync<string>("GetZone", _store, "a", Token));
    }
}
