using BenchmarkDotNet.Attributes;

namespace Signals.Benchmarks.Hub;

/// <summary>
/// Hub fan-out: one change of one key published to <see cref="Subscribers"/> subscriptions of that key — the in-process cost of
/// a dispatcher's <see cref="SignalHub.Publish(SignalVersion)"/> before any byte goes to the network.
/// </summary>
/// <remarks>
/// <c>Publish</c> only enqueues (each subscription coalesces to one pending change per key, so its state stays bounded);
/// <c>Publish_and_read</c> also drains every subscription as its reader (the SSE stream) would; <c>Publish_batch_and_read</c> does the
/// same through the overload the dispatchers call (<see cref="SignalHub.Publish(IEnumerable{SignalVersion}, long)"/>).
/// </remarks>
[MemoryDiagnoser]
public class HubFanOutBenchmarks
{
    private static readonly SignalKey Key = SignalKey.Parse("bench:item:1");
    private readonly DateTimeOffset _now = DateTimeOffset.UnixEpoch;
    private SignalHub _hub = null!;
    private SignalSubscription[] _subscriptions = [];
    private long _version;

    [Params(1, 100, 1_000, 10_000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hub = new SignalHub();
        _subscriptions = new SignalSubscription[Subscribers];
        for (int i = 0; i < Subscribers; i++)
        {
            _subscriptions[i] = _hub.Subscribe([Key]);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (SignalSubscription subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    [Benchmark]
    public bool Publish() => _hub.Publish(new SignalVersion(Key, ++_version, null, _now));

    [Benchmark]
    public int Publish_and_read()
    {
        _hub.Publish(new SignalVersion(Key, ++_version, null, _now));
        return ReadAll();
    }

    /// <summary>As <see cref="Publish_and_read"/>, through the batch overload the dispatchers use (publish, settle, then wake).</summary>
    [Benchmark]
    public int Publish_batch_and_read()
    {
        long version = ++_version;
        _hub.Publish([new SignalVersion(Key, version, null, _now)], version);
        return ReadAll();
    }

    /// <summary>Drains every subscription as its reader (the SSE stream) would.</summary>
    private int ReadAll()
    {
        int read = 0;
        foreach (SignalSubscription subscription in _subscriptions)
        {
            while (subscription.TryRead(out _))
            {
                read++;
            }
        }

        return read;
    }
}
