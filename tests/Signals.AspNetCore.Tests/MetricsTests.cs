using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary>The <c>Signals</c> meter, observed with a <see cref="MeterListener"/> limited to one host's <see cref="IMeterFactory"/>.</summary>
public sealed class MetricsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Instruments_have_OpenTelemetry_names_and_units()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        using var recorder = new MetricRecorder(host);

        Assert.Equal(
            [
                ("signals.dispatcher.lag", "s"), ("signals.dispatcher.reannouncements", "{change}"),
                ("signals.hub.evictions", "{key}"), ("signals.hub.version_reads", "{key}"), ("signals.outbox.depth", "{row}"),
                ("signals.producers.failures", "{failure}"), ("signals.producers.running", "{producer}"), ("signals.sse.connections", "{connection}"),
                ("signals.sse.events", "{event}"), ("signals.sync.duration", "s"), ("signals.sync.requests", "{request}"),
            ],
            recorder.Instruments.Select(i => (i.Name, i.Unit ?? "")).Order());
    }

    [Fact]
    public async Task Sync_requests_are_counted_and_timed_by_result()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        using var recorder = new MetricRecorder(host);
        await host.ChangeAsync("a:b");

        (await host.PostSyncAsync("""{"known": {"a:b": 0}}""", Token)).Dispose();
        (await host.PostSyncAsync("""{"known": {"a:c": 0}}""", Token)).Dispose();
        (await host.PostSyncAsync("""{"known": {"a:c": 0}}""", Token)).Dispose();
        (await host.PostSyncAsync("""{"known": []}""", Token)).Dispose();

        await recorder.WaitUntilAsync(m => m.Count(x => x.Instrument == "signals.sync.duration") == 4);
        Assert.Equal(
            [("changed", 1), ("rejected", 1), ("unchanged", 2)],
            recorder.Snapshot().Where(m => m.Instrument == "signals.sync.requests")
                .GroupBy(m => (string)m.Tags["signals.sync.result"]!).Select(g => (g.Key, (int)g.Sum(m => m.Value))).Order());
        Assert.All(recorder.Snapshot().Where(m => m.Instrument == "signals.sync.duration"), m => Assert.InRange(m.Value, 0, 60));
    }

    [Fact]
    public async Task Streams_are_counted_while_open_and_their_events_as_sent()
    {
        using CancellationTokenSource deadline = TestDeadline.Start();
        await using TestServerHost host = await TestServerHost.StartAsync();
        using var recorder = new MetricRecorder(host);
        await host.ChangeAsync("a:b");

        SseClient events = await SseClient.OpenAsync(host.Client, "/signals/events?key=a:b", deadline.Token);
        await events.NextAsync();
        await host.ChangeAsync("a:b");
        await events.NextAsync();
        await recorder.WaitUntilAsync(m => m.Where(x => x.Instrument == "signals.sse.events").Sum(x => x.Value) >= 1);
        Assert.Equal(1, recorder.Sum("signals.sse.connections"));

        await events.DisposeAsync();
        await recorder.WaitUntilAsync(m => m.Where(x => x.Instrument == "signals.sse.connections").Sum(x => x.Value) == 0);
        Assert.InRange(recorder.Sum("signals.sse.events"), 1, 2);
    }

    [Fact]
    public async Task Dispatcher_lag_and_outbox_depth_are_recorded_for_dispatchers()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        using var recorder = new MetricRecorder(host);
        SignalsMetrics metrics = host.App.Services.GetRequiredService<SignalsMetrics>();

        metrics.RecordDispatcherLag(TimeSpan.FromMilliseconds(250));
        metrics.RecordDispatcherLag(TimeSpan.FromSeconds(-1));
        metrics.RecordOutboxDepth(42);

        Assert.Equal([0, 0.25], recorder.Snapshot().Where(m => m.Instrument == "signals.dispatcher.lag").Select(m => m.Value).Order());
        Assert.Equal([42], recorder.Snapshot().Where(m => m.Instrument == "signals.outbox.depth").Select(m => m.Value));
    }

    [Fact]
    public async Task Producer_runs_and_failures_are_recorded_by_template()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        using var recorder = new MetricRecorder(host);
        SignalsMetrics metrics = host.App.Services.GetRequiredService<SignalsMetrics>();

        metrics.ProducersRunningChanged("time:room:{RoomId}", 1);
        metrics.ProducerFailed("time:room:{RoomId}");
        metrics.ProducersRunningChanged("time:room:{RoomId}", -1);

        Assert.Equal([1, -1], recorder.Snapshot().Where(m => m.Instrument == "signals.producers.running").Select(m => m.Value));
        Measurement failure = Assert.Single(recorder.Snapshot(), m => m.Instrument == "signals.producers.failures");
        Assert.Equal("time:room:{RoomId}", failure.Tags["signals.producer.template"]);
    }

    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>Records the measurements of one host's <c>Signals</c> meter.</summary>
    private sealed class MetricRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();
        private readonly ConcurrentQueue<Instrument> _instruments = new();

        public MetricRecorder(TestServerHost host)
        {
            IMeterFactory factory = host.App.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SignalsMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    _instruments.Enqueue(instrument);
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
            _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
            _listener.Start();
        }

        public IReadOnlyList<Instrument> Instruments => [.. _instruments];

        public IReadOnlyList<Measurement> Snapshot() => [.. _measurements];

        public double Sum(string instrument) => Snapshot().Where(m => m.Instrument == instrument).Sum(m => m.Value);

        /// <summary>Waits, bounded, until the measurements satisfy <paramref name="condition"/>: recording happens on the server's threads.</summary>
        public async Task WaitUntilAsync(Func<IReadOnlyList<Measurement>, bool> condition)
        {
            using CancellationTokenSource deadline = TestDeadline.Start(10);
            while (!condition(Snapshot()))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token);
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
            => _measurements.Enqueue(new Measurement(instrument.Name, value, new Dictionary<string, object?>(tags.ToArray())));
    }
}
