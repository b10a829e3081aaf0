using System.Text.Json;
using Signals.Client.Tests.Infrastructure;

namespace Signals.Client.Tests;

/// <summary>The <see cref="ISignalsClient"/> contract, run against the HTTP client and the embedded client alike.</summary>
public sealed class ClientContractTests
{
    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Sync_returns_only_the_keys_whose_version_differs(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        SignalVersion general = await harness.Server.ChangeAsync("chat:room:general");
        SignalVersion random = await harness.Server.ChangeAsync("chat:room:random");

        IReadOnlyList<SignalVersion> changed = await harness.Client.SyncAsync(
            new Dictionary<SignalKey, long>
            {
                [general.Key] = 0,
                [random.Key] = random.Version,
                [SignalKey.Parse("chat:room:never")] = 0,
            },
            TimeSpan.Zero,
            deadline.Token);

        SignalVersion only = Assert.Single(changed);
        Assert.Equal(general.Key, only.Key);
        Assert.Equal(general.Version, only.Version);
        Assert.Equal(general.UpdatedAt.ToUnixTimeMilliseconds(), only.UpdatedAt.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Sync_with_a_wait_returns_as_soon_as_a_known_key_changes(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        SignalVersion before = await harness.Server.ChangeAsync("chat:room:general");

        // Waits up to 10 s (the server's cap) for a change: the test's deadline is longer, the change comes first.
        Task<IReadOnlyList<SignalVersion>> waiting = harness.Client.SyncAsync(
            new Dictionary<SignalKey, long> { [before.Key] = before.Version }, TimeSpan.FromSeconds(10), deadline.Token).AsTask();
        await harness.Server.ChangeAsync("chat:room:other");
        Assert.False(waiting.IsCompleted, "An unrelated key ended the wait.");
        SignalVersion after = await harness.Server.ChangeAsync("chat:room:general");

        SignalVersion changed = Assert.Single(await waiting);
        Assert.Equal(after.Version, changed.Version);
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Watch_yields_the_current_versions_then_every_change_in_order(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        SignalVersion initial = await harness.Server.ChangeAsync("chat:room:general");
        await harness.Server.ChangeAsync("chat:room:unwatched");

        await using var watcher = new Watcher(harness.Client, deadline.Token, "chat:room:general", "chat:room:random");
        SignalVersion first = await watcher.NextAsync();
        Assert.Equal(initial, first with { UpdatedAt = initial.UpdatedAt });

        SignalVersion random = await harness.Server.ChangeAsync("chat:room:random");
        await harness.Server.ChangeAsync("chat:room:unwatched");
        SignalVersion general = await harness.Server.ChangeAsync("chat:room:general");
        await watcher.UntilAsync("chat:room:random", random.Version);
        await watcher.UntilAsync("chat:room:general", general.Version);

        Assert.DoesNotContain(watcher.Seen, v => v.Key.Value == "chat:room:unwatched");
        watcher.AssertMonotonic();
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Watch_reports_every_key_at_start_version_0_included_as_the_JavaScript_client_does(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        SignalVersion changed = await harness.Server.ChangeAsync("chat:room:general");

        await using var watcher = new Watcher(harness.Client, deadline.Token, "chat:room:never", "chat:room:general");
        SignalVersion never = await watcher.NextAsync();
        SignalVersion general = await watcher.NextAsync();

        // In the order the keys were named; the key that never changed is reported at 0, then at its first change.
        Assert.Equal(SignalVersion.Initial(SignalKey.Parse("chat:room:never")), never);
        Assert.Equal(changed.Version, general.Version);
        SignalVersion first = await harness.Server.ChangeAsync("chat:room:never");
        await watcher.UntilAsync("chat:room:never", first.Version);
        Assert.Equal(3, watcher.Seen.Count);
        watcher.AssertMonotonic();
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task GetVersionAsync_returns_the_number_and_GetStateAsync_the_state(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        SignalVersion changed = await harness.Server.ChangeAsync("chat:room:general");
        var general = new SignalReference(harness.Client, changed.Key);
        var never = new SignalReference(harness.Client, SignalKey.Parse("chat:room:never"));

        long version = await general.GetVersionAsync(deadline.Token);
        SignalVersion state = await general.GetStateAsync(deadline.Token);

        Assert.Equal(changed.Version, version);
        Assert.Equal(changed with { UpdatedAt = state.UpdatedAt }, state);
        Assert.Equal(changed.UpdatedAt.ToUnixTimeMilliseconds(), state.UpdatedAt.ToUnixTimeMilliseconds());
        Assert.Equal(0, await never.GetVersionAsync(deadline.Token));
        Assert.Equal(SignalVersion.Initial(never.Key), await never.GetStateAsync(deadline.Token));
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Typed_read_of_a_stored_value_that_is_not_the_type_is_a_SignalValueFormatException(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var key = SignalKey.Parse("app:theme");
        SignalValue<JsonElement> stored = await harness.Server.Store.SetAsync(key, JsonSerializer.SerializeToElement("hello"), deadline.Token);
        var reference = new SignalValueReference<Theme>(harness.Client, key, static () => new Theme("dark", 0));

        SignalValueFormatException error = await Assert.ThrowsAsync<SignalValueFormatException>(() => reference.GetAsync(deadline.Token).AsTask());

        Assert.Equal(key, error.Key);
        Assert.Equal(stored.Version, error.State.Version);
        Assert.Equal(typeof(Theme), error.ValueType);
        Assert.Contains("'app:theme'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task GetValue_returns_the_stored_value_and_version_or_null(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var key = SignalKey.Parse("app:theme");
        SignalValue<Theme> stored = await harness.Server.Store.SetAsync(key, new Theme("light", 3), deadline.Token);

        SignalValue<JsonElement>? read = await harness.Client.GetValueAsync(key, deadline.Token);
        Assert.NotNull(read);
        Assert.Equal(stored.Version, read.Version);
        Assert.Equal(stored.State.Hash, read.State.Hash);
        Assert.Equal(new Theme("light", 3), read.Value.Deserialize<Theme>(JsonSerializerOptions.Web));

        Assert.Null(await harness.Client.GetValueAsync(SignalKey.Parse("app:never-set"), deadline.Token));

        // The typed reference reads through the same client; a missing value is the default.
        var reference = new SignalValueReference<Theme>(harness.Client, key, static () => new Theme("dark", 0));
        Assert.Equal(new Theme("light", 3), await reference.GetAsync(deadline.Token));
        Assert.Equal(new Theme("dark", 0), await new SignalValueReference<Theme>(harness.Client, SignalKey.Parse("app:never-set"), static () => new Theme("dark", 0)).GetAsync(deadline.Token));
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Bad_input_is_rejected_before_anything_is_sent(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        int requestsBefore = harness.Server.Requests.Count;
        ISignalsClient client = harness.Client;
        var key = SignalKey.Parse("chat:room:general");

        Assert.Contains("at least one key", Assert.Throws<ArgumentException>(() => client.WatchAsync([], deadline.Token)).Message, StringComparison.Ordinal);
        Assert.Contains("default(SignalKey)", Assert.Throws<ArgumentException>(() => client.WatchAsync([key, default], deadline.Token)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => client.WatchAsync(null!, deadline.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await client.SyncAsync(new Dictionary<SignalKey, long> { [key] = -1 }, TimeSpan.Zero, deadline.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await client.SyncAsync(new Dictionary<SignalKey, long> { [key] = 0 }, TimeSpan.FromSeconds(-1), deadline.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await client.SyncAsync(new Dictionary<SignalKey, long> { [default] = 0 }, TimeSpan.Zero, deadline.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await client.GetValueAsync(default, deadline.Token));
        Assert.Throws<ArgumentException>(() => new SignalQuery<int>(client, default, static _ => Task.FromResult(1)));

        Assert.Equal(requestsBefore, harness.Server.Requests.Count);
        Assert.Equal(0, harness.Server.Hub.Cursor);
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Watch_of_more_keys_than_the_server_allows_fails_with_the_limit(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        string[] keys = [.. Enumerable.Range(0, ClientTestServer.MaxKeys + 1).Select(i => $"chat:room:r{i}")];

        await using var watcher = new Watcher(harness.Client, deadline.Token, keys);
        Exception error = await Assert.ThrowsAnyAsync<Exception>(watcher.NextAsync);

        // Not retried: a 400 does not get better (HTTP), and the hub refuses the subscription (embedded).
        Assert.IsType(kind == ClientKind.Http ? typeof(HttpRequestException) : typeof(ArgumentException), error);
        Assert.Contains($"at most {ClientTestServer.MaxKeys}", error.Message, StringComparison.Ordinal);
    }

    private sealed record Theme(string Mode, int Contrast);
}
