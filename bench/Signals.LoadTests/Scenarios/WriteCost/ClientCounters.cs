using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Signals.LoadTests.Scenarios.WriteCost;

/// <summary>
/// What this process did: round trips to PostgreSQL by Npgsql data source (its <c>db.client.operation.duration</c> measurements, one
/// per command or batch executed), EF Core's <c>DetectChanges</c> runs (its diagnostic events), allocated bytes and CPU time.
/// </summary>
internal sealed class ClientCounters : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private const string PoolNameTag = "db.client.connection.pool.name";

    private readonly MeterListener _meters = new();
    private readonly IDisposable _listeners;
    private readonly ConcurrentDictionary<string, long> _roundTrips = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private long _detectChanges;

    /// <summary>Starts counting.</summary>
    public ClientCounters()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.operation.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string pool = "?";
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == PoolNameTag)
                {
                    pool = tag.Value as string ?? "?";
                }
            }

            _roundTrips.AddOrUpdate(pool, 1, static (_, n) => n + 1);
        });
        _meters.Start();
        _listeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>Reads the counters.</summary>
    /// <returns>The counts so far.</returns>
    public Sample Read()
        => new(
            new Dictionary<string, long>(_roundTrips, StringComparer.Ordinal),
            Interlocked.Read(ref _detectChanges),
            GC.GetTotalAllocatedBytes(precise: true),
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);

    /// <inheritdoc/>
    public void Dispose()
    {
        _meters.Dispose();
        _listeners.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(static s => s.Dispose());
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this, static name => name == CoreEventId.DetectChangesStarting.Name));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value) => Interlocked.Increment(ref _detectChanges);

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    /// <summary>The process's counters at one moment.</summary>
    /// <param name="RoundTrips">Commands and batches executed, by Npgsql data source (pool) name.</param>
    /// <param name="DetectChanges">EF Core <c>DetectChanges</c> runs.</param>
    /// <param name="AllocatedBytes">Bytes allocated by every thread.</param>
    /// <param name="CpuSeconds">The process's CPU time.</param>
    public sealed record Sample(IReadOnlyDictionary<string, long> RoundTrips, long DetectChanges, long AllocatedBytes, double CpuSeconds)
    {
        /// <summary>Gets the round trips since <paramref name="start"/> of the pools whose name matches.</summary>
        /// <param name="start">The earlier sample.</param>
        /// <param name="pool">Picks pools by name.</param>
        /// <returns>The round trips.</returns>
        public long RoundTripsSince(Sample start, Func<string, bool> pool)
            => RoundTrips.Where(p => pool(p.Key)).Sum(p => p.Value - start.RoundTrips.GetValueOrDefault(p.Key));
    }
}
