using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace Signals.Runtime.Tests.Hub;

/// <summary>
/// The hub's bounded cache, against a table of versions standing in for the database (the EF Core tests read a real one): what it
/// holds, what it evicts, what a key evicted between two reads answers, and how many reads it makes.
/// </summary>
public class SignalHubCacheTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void A_cache_bound_of_zero_or_less_fails_at_start(string value)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Signals:Hub:MaxCachedKeys"] = value })
            .Build());
        services.AddSignals();
        using ServiceProvider provider = services.BuildServiceProvider();

        // What the host runs at start for options registered with ValidateOnStart.
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("MaxCachedKeys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cache_bound_is_bound_from_Signals_Hub()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Signals:Hub:MaxCachedKeys"] = "42" })
            .Build());
        services.AddSignals();
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(42, provider.GetRequiredService<IOptions<SignalHubOptions>>().Value.MaxCachedKeys);
    }

    [Fact]
    public async Task Many_cold_keys_are_read_in_one_query_and_the_cache_keeps_to_its_bound()
    {
        SignalKey[] keys = [.. Enumerable.Range(0, 1_000).Select(i => SignalKey.Parse($"doc:page:{i}"))];
        using var meters = new MeterScope();
        (SignalHub hub, VersionTable table) = meters.CreateHub(maxCachedKeys: 100, [.. keys.Where((_, i) => i % 2 == 0)]);

        SignalVersion[] versions = await hub.GetVersionsAsync(keys, TestContext.Current.CancellationToken);

        Assert.Equal(1, table.Reads);
        Assert.Equal(keys.Select(table.VersionOf), versions.Select(v => v.Version));
        Assert.Equal(keys, versions.Select(v => v.Key));
        Assert.Equal(100, hub.HeldKeyCount);
        Assert.Equal(900, meters.Evictions.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1_000, meters.VersionReads.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task A_key_evicted_between_two_reads_answers_its_latest_version_at_the_second()
    {
        SignalKey page = SignalKey.Parse("doc:page:evicted");
        using var meters = new MeterScope();
        (SignalHub hub, VersionTable table) = meters.CreateHub(maxCachedKeys: 2, page);
        CancellationToken cancel = TestContext.Current.CancellationToken;

        long first = (await hub.GetVersionsAsync([page], cancel))[0].Version;
        await hub.GetVersionsAsync([.. Enumerable.Range(0, 10).Select(i => SignalKey.Parse($"doc:other:{i}"))], cancel);
        Assert.False(hub.TryGetHeldVersion(page, out _));

        // A change while the hub does not hold the key changes nothing in it: the database has it.
        SignalVersion changed = table.Commit(page);
        Assert.False(hub.Publish(changed));
        Assert.False(hub.TryGetHeldVersion(page, out _));

        long second = (await hub.GetVersionsAsync([page], cancel))[0].Version;
        Assert.True(second > first);
        Assert.Equal(changed.Version, second);
        Assert.Equal(3, table.Reads);
    }

    [Fact]
    public async Task Watched_keys_are_pinned_and_kept_current_however_many_keys_pass_through()
    {
        SignalKey room = SignalKey.Parse("chat:room:pinned");
        using var meters = new MeterScope();
        (SignalHub hub, VersionTable table) = meters.CreateHub(maxCachedKeys: 3, room);
        CancellationToken cancel = TestContext.Current.CancellationToken;

        using SignalSubscription subscription = await hub.SubscribeAsync([room], cancellationToken: cancel);
        Assert.True(subscription.TryRead(out SignalVersion initial));
        Assert.Equal(table.VersionOf(room), initial.Version);

        await hub.GetVersionsAsync([.. Enumerable.Range(0, 50).Select(i => SignalKey.Parse($"doc:page:{i}"))], cancel);
        Assert.True(meters.Evictions.GetMeasurementSnapshot().Sum(m => m.Value) > 0);
        int reads = table.Reads;

        SignalVersion changed = table.Commit(room);
        Assert.True(hub.Publish(changed));
        Assert.True(subscription.TryRead(out SignalVersion next));
        Assert.Equal(changed, next);
        Assert.Equal(changed, (await hub.GetVersionsAsync([room], cancel))[0]);
        Assert.Equal(reads, table.Reads);
    }

    [Fact]
    public async Task Keys_asked_for_again_outlive_keys_asked_for_once()
    {
        SignalKey hot = SignalKey.Parse("doc:page:hot");
        using var meters = new MeterScope();
        (SignalHub hub, _) = meters.CreateHub(maxCachedKeys: 10);
        CancellationToken cancel = TestContext.Current.CancellationToken;

        await hub.GetVersionsAsync([hot], cancel);
        for (int i = 0; i < 100; i++)
        {
            // The hot key is asked for between every two keys of a scan.
            await hub.GetVersionsAsync([hot, SignalKey.Parse($"doc:scan:{i}")], cancel);
        }

        Assert.True(hub.TryGetHeldVersion(hot, out _));
        Assert.True(hub.HeldKeyCount <= 10);
    }

    [Fact]
    public async Task A_change_published_while_its_key_is_read_is_kept_over_the_older_version_read()
    {
        SignalKey page = SignalKey.Parse("doc:page:racing");
        using var meters = new MeterScope();
        (SignalHub hub, ValueTask<SignalVersion[]> reading, SignalVersion after, TaskCompletionSource release) = PublishWhileReading(meters, page);
        release.SetResult();

        Assert.Equal(after, (await reading)[0]);
        Assert.True(hub.TryGetHeldVersion(page, out SignalVersion held));
        Assert.Equal(after, held);
    }

    [Fact]
    public async Task A_subscriber_joining_while_its_key_is_read_gets_a_change_published_meanwhile()
    {
        SignalKey page = SignalKey.Parse("doc:page:joining");
        using var meters = new MeterScope();
        (SignalHub hub, ValueTask<SignalVersion[]> reading, SignalVersion after, TaskCompletionSource release) = PublishWhileReading(meters, page);
        ValueTask<SignalSubscription> subscribing = hub.SubscribeAsync([page], cancellationToken: TestContext.Current.CancellationToken);
        release.SetResult();

        using SignalSubscription subscription = await subscribing;
        Assert.True(subscription.TryRead(out SignalVersion first));
        Assert.Equal(after, first);
        Assert.False(subscription.TryRead(out _));
        Assert.Equal(after, (await reading)[0]);
    }

    [Fact]
    public async Task One_cold_key_is_read_without_blocking_the_caller_and_a_peek_never_reads()
    {
        SignalKey page = SignalKey.Parse("doc:page:single");
        using var meters = new MeterScope();
        (SignalHub hub, VersionTable table) = meters.CreateHub(maxCachedKeys: 10, page);
        var release = new TaskCompletionSource();
        table.HoldReads(release.Task);

        Assert.False(hub.TryGetHeldVersion(page, out _));
        Assert.Equal(0, table.Reads);

        // The read is held: the caller gets an incomplete task back instead of a blocked thread.
        ValueTask<SignalVersion> reading = hub.GetVersionAsync(page, TestContext.Current.CancellationToken);
        Assert.False(reading.IsCompleted);
        release.SetResult();
        Assert.Equal(table.VersionOf(page), (await reading).Version);

        // Held now: answered at once, without another read.
        ValueTask<SignalVersion> again = hub.GetVersionAsync(page, TestContext.Current.CancellationToken);
        Assert.True(again.IsCompletedSuccessfully);
        Assert.True(hub.TryGetHeldVersion(page, out SignalVersion held));
        Assert.Equal(await again, held);
        Assert.Equal(1, table.Reads);

        Assert.Throws<ArgumentException>(() => hub.TryGetHeldVersion(default, out _));
        await Assert.ThrowsAsync<ArgumentException>(async () => await hub.GetVersionAsync(default, TestContext.Current.CancellationToken));
        Assert.Equal(1, table.Reads);
    }

    [Fact]
    public async Task A_failed_read_is_thrown_keeps_nothing_and_the_next_read_tries_again()
    {
        SignalKey page = SignalKey.Parse("doc:page:failing");
        using var meters = new MeterScope();
        (SignalHub hub, VersionTable table) = meters.CreateHub(maxCachedKeys: 10, page);
        CancellationToken cancel = TestContext.Current.CancellationToken;
        table.FailNextRead = true;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await hub.GetVersionsAsync([page], cancel));
        Assert.Equal(0, hub.HeldKeyCount);
        table.FailNextRead = true;
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await hub.SubscribeAsync([page], cancellationToken: cancel));
        Assert.Equal(0, hub.GetWatcherCount(page));

        Assert.Equal(table.VersionOf(page), (await hub.GetVersionsAsync([page], cancel))[0].Version);
    }

    /// <summary>
    /// Commits <paramref name="page"/>, starts a hub read of it that waits for <c>Release</c>, and publishes a newer change of the key
    /// while the read is held (its snapshot has the older version).
    /// </summary>
    private static (SignalHub Hub, ValueTask<SignalVersion[]> Reading, SignalVersion Published, TaskCompletionSource Release) PublishWhileReading(
        MeterScope meters, SignalKey page)
    {
        (SignalHub hub, VersionTable table) = meters.CreateHub(maxCachedKeys: 10, page);
        var release = new TaskCompletionSource();
        table.HoldReads(release.Task);

        ValueTask<SignalVersion[]> reading = hub.GetVersionsAsync([page], TestContext.Current.CancellationToken);
        SignalVersion after = new(page, table.VersionOf(page) + 5, null, At);
        hub.Publish(after);
        return (hub, reading, after, release);
    }

    /// <summary>The committed versions of keys, as a database would answer them, counting the reads.</summary>
    private sealed class VersionTable : ISignalVersionSource
    {
        private readonly ConcurrentDictionary<SignalKey, SignalVersion> _versions = new();
        private long _next;
        private int _reads;
        private Task _hold = Task.CompletedTask;

        public bool PublishesChanges => true;

        public TimeSpan PollInterval => TimeSpan.FromSeconds(1);

        public int Reads => _reads;

        public bool FailNextRead { get; set; }

        public SignalVersion Commit(SignalKey key) => _versions[key] = new SignalVersion(key, Interlocked.Increment(ref _next), null, At);

        public long VersionOf(SignalKey key) => _versions.TryGetValue(key, out SignalVersion version) ? version.Version : 0;

        public void HoldReads(Task until) => _hold = until;

        public async Task<IReadOnlyList<SignalVersion>> ReadVersionsAsync(IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            if (FailNextRead)
            {
                FailNextRead = false;
                throw new InvalidOperationException("The database is down.");
            }

            // The snapshot is taken when the read starts, as a query's is.
            SignalVersion[] snapshot = [.. keys.Where(_versions.ContainsKey).Select(k => _versions[k])];
            await _hold.WaitAsync(cancellationToken);
            return snapshot;
        }
    }

    /// <summary>A meter factory of the test's own, with collectors for the hub's instruments.</summary>
    private sealed class MeterScope : IDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly SignalsMetrics _metrics;

        public MeterScope()
        {
            _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
            _metrics = new SignalsMetrics(_provider.GetRequiredService<IMeterFactory>());
            Evictions = new MetricCollector<long>(_metrics.Meter, "signals.hub.evictions");
            VersionReads = new MetricCollector<long>(_metrics.Meter, "signals.hub.version_reads");
        }

        public MetricCollector<long> Evictions { get; }

        public MetricCollector<long> VersionReads { get; }

        /// <summary>Creates a hub over a new table of versions holding a committed version of each of <paramref name="committed"/>.</summary>
        public (SignalHub Hub, VersionTable Table) CreateHub(int maxCachedKeys, params SignalKey[] committed)
        {
            var table = new VersionTable();
            foreach (SignalKey key in committed)
            {
                table.Commit(key);
            }

            var options = Options.Create(new SignalHubOptions { MaxCachedKeys = maxCachedKeys });
            return (new SignalHub(Options.Create(new SignalsOptions()), options, table, _metrics), table);
        }

        public void Dispose()
        {
            Evictions.Dispose();
            VersionReads.Dispose();
            _provider.Dispose();
        }
    }
}
