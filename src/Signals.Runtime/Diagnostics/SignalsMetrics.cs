using System.Diagnostics.Metrics;

namespace Signals;

/// <summary>
/// The instruments of the <c>Signals</c> meter (<see cref="MeterName"/>), named in OpenTelemetry style: the HTTP endpoints record
/// sync requests and Server-Sent Events streams; dispatchers record their lag and their outbox backlog.
/// </summary>
/// <remarks>
/// <para>Registered as a singleton by <c>AddSignals()</c> and created through the app's <see cref="IMeterFactory"/>, so every
/// service provider has its own meter (tests can tell hosts apart by <see cref="Meter.Scope"/>). Collect it with
/// <c>.WithMetrics(m =&gt; m.AddMeter("Signals"))</c> (OpenTelemetry) or <c>dotnet-counters monitor --counters Signals</c>.</para>
/// <list type="table">
/// <listheader><term>instrument</term><description>type, unit, tags: meaning</description></listheader>
/// <item><term><c>signals.sync.requests</c></term><description>counter, <c>{request}</c>, <c>signals.sync.result</c>: sync requests answered.</description></item>
/// <item><term><c>signals.sync.duration</c></term><description>histogram, <c>s</c>, <c>signals.sync.result</c>: time to answer a sync request, long-poll wait included.</description></item>
/// <item><term><c>signals.sse.connections</c></term><description>up-down counter, <c>{connection}</c>: open event streams.</description></item>
/// <item><term><c>signals.sse.events</c></term><description>counter, <c>{event}</c>: change events written to event streams.</description></item>
/// <item><term><c>signals.dispatcher.lag</c></term><description>histogram, <c>s</c>: time from a change's outbox row being written (<see cref="SignalVersion.UpdatedAt"/>, inside the writer's transaction, so it includes the rest of that transaction) to its publication in this instance's hub; recorded by the EF Core dispatchers.</description></item>
/// <item><term><c>signals.outbox.depth</c></term><description>gauge, <c>{row}</c>: this instance's unsettled outbox backlog after each read: outbox ids drawn by writers (or read past a gap) above its settled cursor. It grows while the dispatcher falls behind or a transaction that wrote to the outbox stays open; recorded by the EF Core dispatchers.</description></item>
/// <item><term><c>signals.dispatcher.reannouncements</c></term><description>counter, <c>{change}</c>: changes that committed after a newer version of their key had been published, which the dispatcher announced again under a new version; recorded by the EF Core dispatchers.</description></item>
/// <item><term><c>signals.hub.evictions</c></term><description>counter, <c>{key}</c>: keys the hub's cache let go to stay within <see cref="SignalHubOptions.MaxCachedKeys"/> (with a database behind the hub).</description></item>
/// <item><term><c>signals.hub.version_reads</c></term><description>counter, <c>{key}</c>: key versions the hub read from the database behind it because it did not hold them.</description></item>
/// <item><term><c>signals.producers.running</c></term><description>up-down counter, <c>{producer}</c>, tagged <c>signals.producer.template</c>: producers (<c>AddSignalProducer</c>) running on this instance; summed over the instances it is the number of copies running, at most one per key.</description></item>
/// <item><term><c>signals.producers.failures</c></term><description>counter, <c>{failure}</c>, tagged <c>signals.producer.template</c>: producer runs that threw (each is restarted after a back-off).</description></item>
/// </list>
/// <para><c>signals.sync.result</c> is one of <see cref="SyncResultChanged"/>, <see cref="SyncResultUnchanged"/>,
/// <see cref="SyncResultRejected"/> (a 4xx problem) and <see cref="SyncResultAborted"/> (the client went away).</para>
/// </remarks>
public sealed class SignalsMetrics
{
    /// <summary>The meter's name: <c>Signals</c>.</summary>
    public const string MeterName = "Signals";

    /// <summary>The <c>signals.sync.result</c> of a sync answered with at least one changed key.</summary>
    public const string SyncResultChanged = "changed";

    /// <summary>The <c>signals.sync.result</c> of a sync answered with no changed key (the long-poll, if any, timed out).</summary>
    public const string SyncResultUnchanged = "unchanged";

    /// <summary>The <c>signals.sync.result</c> of a sync answered with a problem (a 4xx status).</summary>
    public const string SyncResultRejected = "rejected";

    /// <summary>The <c>signals.sync.result</c> of a sync whose client went away before the answer.</summary>
    public const string SyncResultAborted = "aborted";

    private const string SyncResultTag = "signals.sync.result";
    private const string ProducerTemplateTag = "signals.producer.template";

    private readonly Counter<long> _syncRequests;
    private readonly Histogram<double> _syncDuration;
    private readonly UpDownCounter<long> _sseConnections;
    private readonly Counter<long> _sseEvents;
    private readonly Histogram<double> _dispatcherLag;
    private readonly Gauge<long> _outboxDepth;
    private readonly Counter<long> _reannouncements;
    private readonly Counter<long> _hubEvictions;
    private readonly Counter<long> _versionReads;
    private readonly UpDownCounter<long> _producersRunning;
    private readonly Counter<long> _producerFailures;

    /// <summary>Initializes the instruments on a meter created by <paramref name="meterFactory"/>.</summary>
    /// <param name="meterFactory">The app's meter factory (registered by the host, or by <c>AddSignals()</c> through <c>AddMetrics()</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="meterFactory"/> is <see langword="null"/>.</exception>
    public SignalsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);

        // Long-polls last up to the 29 s cap: the default buckets (which stop at 10 s) would lump them together.
        double[] secondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];
        _syncRequests = Meter.CreateCounter<long>("signals.sync.requests", "{request}", "Sync requests answered, by result.");
        _syncDuration = Meter.CreateHistogram("signals.sync.duration", "s", "Time to answer a sync request, long-poll wait included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = secondsBuckets });
        _sseConnections = Meter.CreateUpDownCounter<long>("signals.sse.connections", "{connection}", "Open Server-Sent Events streams.");
        _sseEvents = Meter.CreateCounter<long>("signals.sse.events", "{event}", "Change events written to Server-Sent Events streams.");
        _dispatcherLag = Meter.CreateHistogram("signals.dispatcher.lag", "s", "Time from a change's outbox row being written to its publication in this instance's hub.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = secondsBuckets });
        _outboxDepth = Meter.CreateGauge<long>("signals.outbox.depth", "{row}", "Outbox ids above this instance's settled cursor: writes in flight or not yet read.");
        _reannouncements = Meter.CreateCounter<long>(
            "signals.dispatcher.reannouncements", "{change}", "Changes that committed after a newer version of their key had been published, announced again.");
        _hubEvictions = Meter.CreateCounter<long>("signals.hub.evictions", "{key}", "Keys the hub's cache let go to stay within its bound.");
        _versionReads = Meter.CreateCounter<long>("signals.hub.version_reads", "{key}", "Key versions the hub read from the database because it did not hold them.");
        _producersRunning = Meter.CreateUpDownCounter<long>("signals.producers.running", "{producer}", "Producers running on this instance, by template.");
        _producerFailures = Meter.CreateCounter<long>("signals.producers.failures", "{failure}", "Producer runs that threw, by template.");
    }

    /// <summary>Gets the meter the instruments belong to.</summary>
    public Meter Meter { get; }

    /// <summary>Records one answered sync request.</summary>
    /// <param name="result">One of the <c>SyncResult*</c> constants.</param>
    /// <param name="duration">From the request's arrival to its answer, long-poll wait included.</param>
    internal void SyncCompleted(string result, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>(SyncResultTag, result);
        _syncRequests.Add(1, tag);
        _syncDuration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>Records that an event stream opened (<paramref name="delta"/> 1) or closed (-1).</summary>
    /// <param name="delta">+1 or -1.</param>
    internal void SseConnectionsChanged(int delta) => _sseConnections.Add(delta);

    /// <summary>Records change events written to an event stream.</summary>
    /// <param name="count">How many events.</param>
    internal void SseEventsSent(int count) => _sseEvents.Add(count);

    /// <summary>Records how long a committed change took to reach this instance's hub. For dispatchers.</summary>
    /// <param name="lag">The time from the change's outbox row being written to its publication; negative values (clock skew) are recorded as 0.</param>
    internal void RecordDispatcherLag(TimeSpan lag) => _dispatcherLag.Record(Math.Max(0, lag.TotalSeconds));

    /// <summary>Records this instance's unsettled outbox backlog. For dispatchers, after each read.</summary>
    /// <param name="depth">The number of outbox ids above the settled cursor (the highest id known minus the settled cursor).</param>
    internal void RecordOutboxDepth(long depth) => _outboxDepth.Record(depth);

    /// <summary>Records changes a dispatcher announced again under a new version. For dispatchers.</summary>
    /// <param name="count">How many late changes were announced again.</param>
    internal void RecordReannouncements(int count) => _reannouncements.Add(count);

    /// <summary>Records keys the hub's cache evicted.</summary>
    /// <param name="count">How many keys.</param>
    internal void RecordHubEvictions(int count) => _hubEvictions.Add(count);

    /// <summary>Records key versions the hub read from the database behind it.</summary>
    /// <param name="count">How many keys were read (in one query).</param>
    internal void RecordVersionReads(int count) => _versionReads.Add(count);

    /// <summary>Records that a producer of <paramref name="template"/> started running on this instance (<paramref name="delta"/> 1) or ended (-1).</summary>
    /// <param name="template">The producer's template, e.g. <c>time:room:{RoomId}</c> (a tag of bounded cardinality, unlike keys).</param>
    /// <param name="delta">+1 or -1.</param>
    internal void ProducersRunningChanged(string template, int delta) => _producersRunning.Add(delta, new KeyValuePair<string, object?>(ProducerTemplateTag, template));

    /// <summary>Records that a producer of <paramref name="template"/> threw (it is restarted after a back-off).</summary>
    /// <param name="template">The producer's template.</param>
    internal void ProducerFailed(string template) => _producerFailures.Add(1, new KeyValuePair<string, object?>(ProducerTemplateTag, template));
}
