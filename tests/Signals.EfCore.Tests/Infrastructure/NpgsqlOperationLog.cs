using System.Diagnostics.Metrics;

namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// Counts the operations Npgsql reports (its <c>db.client.operation.duration</c> instrument) that code under <see cref="Watch"/> sends,
/// whoever builds them: EF Core, or Signals' own commands, which EF Core's interceptors do not see. Round trips counted, not guessed.
/// </summary>
/// <remarks>
/// Npgsql reports an operation in the flow that ran it, so a flag in an <see cref="AsyncLocal{T}"/> tells the watched code's operations
/// from those of background services on the same database (the dispatcher, the mesh heartbeat).
/// </remarks>
internal sealed class NpgsqlOperationLog : IDisposable
{
    private readonly MeterListener _listener;
    private readonly AsyncLocal<bool> _watching = new();
    private int _count;

    public NpgsqlOperationLog()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.operation.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) =>
        {
            if (_watching.Value)
            {
                Interlocked.Increment(ref _count);
            }
        });
        _listener.Start();
    }

    /// <summary>Gets how many operations the watched code sent.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Counts the operations of the calling flow (and the tasks it starts) until the result is disposed.</summary>
    public IDisposable Watch()
    {
        _watching.Value = true;
        return new Stop(_watching);
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Stop(AsyncLocal<bool> watching) : IDisposable
    {
        public void Dispose() => watching.Value = false;
    }
}
