using System.Diagnostics.Metrics;

namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// Counts one side's hub evictions (<c>signals.hub.evictions</c>) over every instance that side runs, so the run can show that the
/// cache was small enough to evict while the guarantees were checked.
/// </summary>
internal sealed class CacheCounter
{
    private long _evictions;

    /// <summary>Gets the keys evicted so far.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Listens to the evictions of the hub whose meters <paramref name="meterFactory"/> created, until disposed.</summary>
    /// <param name="meterFactory">The instance's meter factory (each instance has its own: the meter's scope tells them apart).</param>
    /// <returns>The listener.</returns>
    public IDisposable Listen(IMeterFactory meterFactory)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Name == "signals.hub.evictions")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _evictions, value));
        listener.Start();
        return listener;
    }
}
