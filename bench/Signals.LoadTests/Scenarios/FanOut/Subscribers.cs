using System.Diagnostics;
using Signals.LoadTests.Measuring;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>
/// Many client connections to a fan-out server, and the rounds measured on them: one change, then the time until every connection
/// has received it.
/// </summary>
/// <param name="capacity">The most connections this set will open.</param>
internal abstract class Subscribers(int capacity) : IAsyncDisposable
{
    /// <summary>How many connections open at once.</summary>
    protected const int OpenConcurrency = 64;

    private readonly long[] _receivedAt = new long[capacity];
    private readonly int[] _lastRound = new int[capacity];
    private int _round;
    private int _activeRound;
    private int _outstanding;
    private TaskCompletionSource _roundDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets how many connections are open.</summary>
    public int Count { get; protected set; }

    /// <summary>Gets the most connections this set will open.</summary>
    protected int Capacity { get; } = capacity;

    /// <summary>Opens connections until <paramref name="total"/> are open; each is subscribed when this returns.</summary>
    /// <param name="total">The number of open connections wanted, at most the capacity.</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>A task that completes when they are open.</returns>
    public abstract Task OpenAsync(int total, CancellationToken cancellationToken);

    /// <summary>Makes one change and waits until every open connection has received it.</summary>
    /// <param name="trigger">Makes the change and returns the server's clock just before it.</param>
    /// <param name="timeout">How long to wait for the last connection.</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The time until the last connection had it, and until half of them had it, in milliseconds.</returns>
    /// <exception cref="TimeoutException">Some connections did not receive the change in time.</exception>
    public async Task<(double Last, double Median)> RunRoundAsync(Func<CancellationToken, Task<long>> trigger, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _roundDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _outstanding, Count);
        Volatile.Write(ref _activeRound, ++_round);
        long start = await trigger(cancellationToken);
        try
        {
            await _roundDone.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Volatile.Read(ref _outstanding)} of {Count} connections did not receive change {_round} within {timeout.TotalSeconds} s.");
        }
        finally
        {
            Volatile.Write(ref _activeRound, 0);
        }

        long[] arrivals = _receivedAt[..Count];
        Array.Sort(arrivals);
        return (Latencies.ToMilliseconds(arrivals[^1] - start), Latencies.ToMilliseconds(arrivals[arrivals.Length / 2] - start));
    }

    /// <summary>Closes every connection.</summary>
    /// <returns>A task that completes when they are closed.</returns>
    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>Closes every connection and stops their readers.</summary>
    /// <returns>A task that completes when they are closed.</returns>
    protected abstract ValueTask CloseAsync();

    /// <summary>Records that connection <paramref name="connection"/> received an event; called by its (single) reader.</summary>
    /// <param name="connection">The connection's index.</param>
    protected void OnEvent(int connection)
    {
        long now = Stopwatch.GetTimestamp();
        int round = Volatile.Read(ref _activeRound);
        if (round == 0 || _lastRound[connection] == round)
        {
            return;
        }

        _lastRound[connection] = round;
        _receivedAt[connection] = now;
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _roundDone.TrySetResult();
        }
    }
}
