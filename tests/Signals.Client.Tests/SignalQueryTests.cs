using System.Text.Json;
using Signals.Client.Tests.Infrastructure;

namespace Signals.Client.Tests;

/// <summary>Live queries over both clients: refetch only on a new version, dedupe, hashes, stale time, errors, disposal.</summary>
public sealed class SignalQueryTests
{
    private static readonly SignalKey General = SignalKey.Parse("chat:room:general");

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Query_loads_then_refetches_only_when_its_key_changes(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var app = new AppData("hello");
        SignalVersion v1 = await harness.Server.ChangeAsync(General.Value);

        await using SignalQuery<string[]> query = Quietly.Create(() => new SignalReference(harness.Client, General).Query(app.FetchAsync, new SignalQueryOptions<string[]> { FallbackValue = ["…"] }));
        Assert.True(query.IsLoading);
        Assert.Equal(["…"], query.Data!);
        await Await.UntilAsync(query, q => !q.IsLoading, deadline.Token);
        Assert.Equal(["hello"], query.Data!);
        Assert.Equal(v1.Version, query.Version);
        Assert.False(query.IsStale);
        Assert.Null(query.Error);

        await harness.Server.ChangeAsync("chat:room:random");
        app.Messages = ["hello", "world"];
        SignalVersion v2 = await harness.Server.ChangeAsync(General.Value);
        await Await.UntilAsync(query, q => q.Version == v2.Version, deadline.Token);
        Assert.Equal(["hello", "world"], query.Data!);
        Assert.Equal(2, app.Fetches);
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Query_data_is_also_an_async_stream_that_ends_on_disposal(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var app = new AppData("one");
        SignalQuery<string[]> query = harness.Query<string[]>(General, app.FetchAsync);
        List<string> seen = [];

        await foreach (string[] data in query.WatchAsync(deadline.Token))
        {
            seen.Add(string.Join(",", data));
            if (data.Length == 1)
            {
                app.Messages = ["one", "two"];
                await harness.Server.ChangeAsync(General.Value);
            }
            else
            {
                // Disposing stops the watch and ends this enumeration.
                await query.DisposeAsync();
            }
        }

        Assert.Equal(["one", "one,two"], seen);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => query.InvalidateAsync(deadline.Token));
        if (kind == ClientKind.Http)
        {
            await Await.UntilAsync(() => harness.Server.OpenStreams == 0, deadline.Token);
        }
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Concurrent_refetch_requests_during_a_fetch_become_one_refetch(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var app = new AppData("hello");
        var firstFetch = new TaskCompletionSource();
        var gate = new TaskCompletionSource();
        app.BeforeFetch = async (call, token) =>
        {
            if (call == 1)
            {
                firstFetch.SetResult();
                await gate.Task.WaitAsync(token);
            }
        };

        await using SignalQuery<string[]> query = harness.Query<string[]>(General, app.FetchAsync);
        await firstFetch.Task.WaitAsync(deadline.Token);
        Assert.True(query.IsLoading);
        Assert.True(query.IsSyncing);

        // While the first fetch hangs: five changes of the key and ten explicit invalidations.
        SignalVersion last = default;
        for (int i = 0; i < 5; i++)
        {
            last = await harness.Server.ChangeAsync(General.Value);
        }

        Task[] invalidations = [.. Enumerable.Range(0, 10).Select(_ => query.InvalidateAsync(deadline.Token))];
        await Await.UntilAsync(query, q => q.LatestVersion == last.Version, deadline.Token);
        app.Messages = ["hello", "again"];
        gate.SetResult();

        await Task.WhenAll(invalidations).WaitAsync(deadline.Token);
        await Await.UntilAsync(query, q => q.Version == last.Version && !q.IsSyncing, deadline.Token);
        Assert.Equal(["hello", "again"], query.Data!);
        Assert.Equal(2, app.Fetches);
        Assert.Equal(1, app.MaxConcurrentFetches);
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task New_version_with_the_hash_of_the_data_needs_no_refetch(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var theme = SignalKey.Parse("app:theme");
        await harness.Server.Store.SetAsync(theme, new { mode = "dark" }, deadline.Token);
        int fetches = 0;
        await using SignalQuery<string?> query = harness.Query<string?>(theme, async token =>
        {
            Interlocked.Increment(ref fetches);
            SignalValue<JsonElement>? value = await harness.Client.GetValueAsync(theme, token);
            return value?.Value.GetProperty("mode").GetString();
        });
        await Await.UntilAsync(query, q => q.Data == "dark", deadline.Token);

        // Invalidating a value signal bumps its version but keeps its hash: same content, so the query only moves its version.
        SignalVersion same = (await harness.Server.Store.InvalidateAsync([theme], deadline.Token))[0];
        await Await.UntilAsync(query, q => q.Version == same.Version, deadline.Token);
        Assert.Equal(1, fetches);

        await harness.Server.Store.SetAsync(theme, new { mode = "light" }, deadline.Token);
        await Await.UntilAsync(query, q => q.Data == "light", deadline.Token);
        Assert.Equal(2, fetches);
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Dedupe_interval_spaces_refetches_and_stale_time_makes_sync_refetch(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var app = new AppData("hello");
        var time = new ManualTimeProvider();
        await using SignalQuery<string[]> query = harness.Query<string[]>(General, app.FetchAsync, new SignalQueryOptions<string[]>
        {
            DedupeInterval = TimeSpan.FromMinutes(1),
            StaleTime = TimeSpan.FromMinutes(10),
            TimeProvider = time,
        });
        await Await.UntilAsync(query, q => !q.IsLoading, deadline.Token);
        await time.WaitForPendingTimersAsync(1, deadline.Token);

        // A change within the interval waits for it (its timer is the second one), then is fetched.
        SignalVersion changed = await harness.Server.ChangeAsync(General.Value);
        await Await.UntilAsync(query, q => q.LatestVersion == changed.Version, deadline.Token);
        await time.WaitForPendingTimersAsync(2, deadline.Token);
        Assert.True(query.IsStale);
        Assert.Equal(1, app.Fetches);
        time.Advance(TimeSpan.FromMinutes(1));
        await Await.UntilAsync(query, q => q.Version == changed.Version, deadline.Token);
        Assert.Equal(2, app.Fetches);
        Assert.False(query.IsStale);

        // A sync of fresh data fetches nothing; once the stale time has passed it refetches although the version did not move.
        await query.SyncAsync(deadline.Token);
        Assert.Equal(2, app.Fetches);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(query.IsStale);
        app.Messages = ["hello", "from a source without signals"];
        await query.SyncAsync(deadline.Token);
        Assert.Equal(3, app.Fetches);
        Assert.Equal(["hello", "from a source without signals"], query.Data!);
        Assert.False(query.IsStale);
    }

    [Theory]
    [InlineData(ClientKind.Http)]
    [InlineData(ClientKind.Embedded)]
    public async Task Failed_fetch_keeps_the_data_shows_the_error_and_is_retried(ClientKind kind)
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(kind);
        var app = new AppData("hello");
        app.BeforeFetch = (call, _) => call == 2 ? throw new InvalidOperationException("the API is down") : Task.CompletedTask;
        var time = new ManualTimeProvider();
        await using SignalQuery<string[]> query = harness.Query<string[]>(General, app.FetchAsync, new SignalQueryOptions<string[]>
        {
            ErrorRetryInterval = TimeSpan.FromSeconds(5),
            TimeProvider = time,
        });
        await Await.UntilAsync(query, q => !q.IsLoading, deadline.Token);

        SignalVersion failed = await harness.Server.ChangeAsync(General.Value);
        await Await.UntilAsync(query, q => q.Error is not null, deadline.Token);
        Assert.Equal("the API is down", query.Error!.Message);
        Assert.Equal(["hello"], query.Data!);
        Assert.True(query.IsStale);
        Assert.True(query.Version < failed.Version);

        // No new version comes: the retry timer refetches on its own.
        app.Messages = ["hello", "back"];
        await time.WaitForPendingTimersAsync(1, deadline.Token);
        time.Advance(TimeSpan.FromSeconds(5));
        await Await.UntilAsync(query, q => q.Error is null, deadline.Token);
        Assert.Equal(["hello", "back"], query.Data!);
        Assert.Equal(failed.Version, query.Version);
        Assert.Equal(3, app.Fetches);
    }

    [Fact]
    public async Task Property_changes_are_raised_on_the_synchronization_context_of_the_creator()
    {
        using CancellationTokenSource deadline = Await.Deadline();
        await using ClientHarness harness = await ClientHarness.StartAsync(ClientKind.Embedded);
        var context = new QueueSynchronizationContext();
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        SignalQuery<string[]> query;
        try
        {
            query = new SignalQuery<string[]>(harness.Client, General, new AppData("hello").FetchAsync);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        await using (query)
        {
            List<(string? Property, bool OnContext)> raised = [];
            query.PropertyChanged += (_, e) => raised.Add((e.PropertyName, SynchronizationContext.Current == context));
            await using IAsyncEnumerator<string[]> data = query.WatchAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
            Assert.True(await data.MoveNextAsync());

            // Loaded, but the handlers have not run: they were posted to the creator's context, which runs them here.
            Assert.Empty(raised);
            context.RunPending();
            Assert.Contains((nameof(SignalQuery<string[]>.Data), true), raised);
            Assert.All(raised, r => Assert.True(r.OnContext));
        }
    }

    /// <summary>A context like a UI thread's: posted callbacks wait until the owning thread runs them.</summary>
    private sealed class QueueSynchronizationContext : SynchronizationContext
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _posted = new();

        public override void Post(SendOrPostCallback d, object? state) => _posted.Enqueue((d, state));

        public void RunPending()
        {
            SynchronizationContext? previous = Current;
            SetSynchronizationContext(this);
            try
            {
                while (_posted.TryDequeue(out (SendOrPostCallback Callback, object? State) item))
                {
                    item.Callback(item.State);
                }
            }
            finally
            {
                SetSynchronizationContext(previous);
            }
        }
    }
}
