using System.Diagnostics;
using System.Threading.Channels;

namespace Signals.LoadTests.Measuring;

/// <summary>
/// An open-loop load: operation <c>i</c> is due at <c>start + i / rate</c>, whether or not earlier ones have finished, and is run
/// by the first free worker. Latencies are taken by the operations themselves; the achieved rate shows whether the workers kept up.
/// </summary>
internal static class PacedLoad
{
    /// <summary>Runs <paramref name="count"/> operations at <paramref name="perSecond"/>.</summary>
    /// <param name="count">How many operations (the loop's bound).</param>
    /// <param name="perSecond">The target rate.</param>
    /// <param name="workers">How many operations may run at once.</param>
    /// <param name="operation">The operation, given its index.</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The achieved rate, operations per second.</returns>
    public static async Task<double> RunAsync(int count, int perSecond, int workers, Func<int, Task> operation, CancellationToken cancellationToken)
    {
        Channel<int> due = Channel.CreateBounded<int>(new BoundedChannelOptions(Math.Max(1, count)) { SingleWriter = true });
        Task[] running = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(
            async () =>
            {
                await foreach (int index in due.Reader.ReadAllAsync(cancellationToken))
                {
                    await operation(index);
                }
            },
            cancellationToken))];

        long start = Stopwatch.GetTimestamp();
        int issued = 0;
        try
        {
            while (issued < count)
            {
                int dueNow = (int)Math.Min(count, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + 1);
                while (issued < dueNow)
                {
                    due.Writer.TryWrite(issued++);
                }

                if (issued < count)
                {
                    await Task.Delay(1, cancellationToken);
                }
            }
        }
        finally
        {
            due.Writer.TryComplete();
        }

        await Task.WhenAll(running);
        return count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
