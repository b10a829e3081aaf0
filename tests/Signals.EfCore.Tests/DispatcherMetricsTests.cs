using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>The dispatcher records <c>signals.dispatcher.lag</c> once per change it publishes, and its backlog after every read, on the app's own meter.</summary>
public sealed class DispatcherMetricsTests(PostgresServer server)
{
    [Fact]
    public async Task Each_published_change_records_its_lag_once_and_each_read_the_backlog()
    {
        string db = await TestDatabase.CreateAsync(server, "lagmetric");
        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db);
        Meter meter = app.Services.GetRequiredService<SignalsMetrics>().Meter;
        var lags = new ConcurrentQueue<double>();
        var depths = new ConcurrentQueue<long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name is "signals.dispatcher.lag" or "signals.outbox.depth")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Enqueue(value));
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => depths.Enqueue(value));
        listener.Start();

        // Watched first, so only the dispatcher can bring the versions the waits below see (not a read of keys the hub does not hold).
        using SignalSubscription watched = await HubAssert.WatchAsync(app.Hub, ChatMessage.Room("general"), ChatMessage.AnyMessage);
        await app.SaveMessageAsync("general", "measured");
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("general"));
        await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.AnyMessage);

        // Two keys changed: two measurements, each a plausible lag. Outlive one safety poll (1 s): re-reading rows adds none.
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        Assert.Equal(2, lags.Count);
        Assert.All(lags, lag => Assert.InRange(lag, 0, 30));

        // Every read records the backlog; on a quiet database, once the save has been read, it is 0.
        Assert.NotEmpty(depths);
        Assert.Equal(0, depths.Last());
    }
}
