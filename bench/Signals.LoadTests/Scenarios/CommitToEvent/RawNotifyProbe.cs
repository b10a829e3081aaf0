using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Signals.LoadTests.Measuring;

namespace Signals.LoadTests.Scenarios.CommitToEvent;

/// <summary>
/// The physical limit of the commit → event path: a bare <c>pg_notify</c> (autocommit) from one connection to another connection
/// that <c>LISTEN</c>s in a <c>WaitAsync</c> loop, from the call to the <c>Notification</c> event.
/// </summary>
internal static class RawNotifyProbe
{
    private const string Channel = "bench_raw";

    /// <summary>Sends <paramref name="count"/> notifications at <paramref name="perSecond"/> and measures each round trip.</summary>
    /// <param name="connectionString">The database.</param>
    /// <param name="count">How many notifications.</param>
    /// <param name="perSecond">The rate.</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The round trips, and how many notifications never arrived.</returns>
    public static async Task<(Latencies RoundTrips, int Lost)> MeasureAsync(string connectionString, int count, int perSecond, CancellationToken cancellationToken)
    {
        long[] sent = new long[count];
        long[] received = new long[count];
        int outstanding = count;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync(cancellationToken);
        listener.Notification += (_, e) =>
        {
            long now = Stopwatch.GetTimestamp();
            if (int.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < count && received[index] == 0)
            {
                received[index] = now;
                if (Interlocked.Decrement(ref outstanding) == 0)
                {
                    allReceived.TrySetResult();
                }
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task listening = ListenAsync(listener, stopListening.Token);
        try
        {
            await using var sender = new NpgsqlConnection(connectionString);
            await sender.OpenAsync(cancellationToken);
            await using var notify = new NpgsqlCommand($"SELECT pg_notify('{Channel}', $1)", sender);
            var payload = new NpgsqlParameter<string> { TypedValue = string.Empty };
            notify.Parameters.Add(payload);
            await notify.PrepareAsync(cancellationToken);

            await PacedLoad.RunAsync(
                count,
                perSecond,
                workers: 1,
                async index =>
                {
                    payload.TypedValue = index.ToString(CultureInfo.InvariantCulture);
                    sent[index] = Stopwatch.GetTimestamp();
                    await notify.ExecuteNonQueryAsync(cancellationToken);
                },
                cancellationToken);

            try
            {
                await allReceived.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (TimeoutException)
            {
                // Counted as lost below.
            }
        }
        finally
        {
            await stopListening.CancelAsync();
            await listening;
        }

        var roundTrips = new Latencies();
        int lost = 0;
        for (int i = 0; i < count; i++)
        {
            if (received[i] == 0)
            {
                lost++;
            }
            else
            {
                roundTrips.AddTicks(sent[i], received[i]);
            }
        }

        return (roundTrips, lost);
    }

    private static async Task ListenAsync(NpgsqlConnection listener, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await listener.WaitAsync(stop);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Done.
        }
    }
}
