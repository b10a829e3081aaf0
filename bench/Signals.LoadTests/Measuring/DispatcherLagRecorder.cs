using System.Diagnostics.Metrics;

namespace Signals.LoadTests.Measuring;

/// <summary>
/// Collects one app instance's <c>signals.dispatcher.lag</c> (<see cref="SignalsMetrics"/>: from a change's outbox row being written
/// to its publication in that instance's hub), in milliseconds, while it is enabled.
/// </summary>
/// <remarks>Instances in one process are told apart by their meter's <see cref="Meter.Scope"/>: the instance's <see cref="IMeterFactory"/>.</remarks>
internal sealed class DispatcherLagRecorder : IDisposable
{
    private const string LagInstrument = "signals.dispatcher.lag";

    private readonly MeterListener _listener = new();
    private readonly Latencies _lags = new();
    private readonly Lock _lock = new();
    private volatile bool _enabled;

    /// <summary>Starts listening to the instance whose services are <paramref name="services"/>; samples count once <see cref="Enable"/> is called.</summary>
    /// <param name="services">The instance's services.</param>
    public DispatcherLagRecorder(IServiceProvider services)
    {
        IMeterFactory scope = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == LagInstrument && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            if (_enabled)
            {
                lock (_lock)
                {
                    _lags.Add(seconds * 1_000);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Starts counting samples (after a warm-up).</summary>
    public void Enable() => _enabled = true;

    /// <summary>Stops listening and returns the samples counted.</summary>
    /// <returns>The lags, in milliseconds.</returns>
    public Latencies Stop()
    {
        _listener.Dispose();
        lock (_lock)
        {
            return _lags;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();
}
