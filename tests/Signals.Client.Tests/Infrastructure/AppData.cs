namespace Signals.Client.Tests.Infrastructure;

/// <summary>The app's own data behind a query's fetcher: what an API would return, with a count of fetches.</summary>
internal sealed class AppData(params string[] messages)
{
    private int _fetches;
    private int _concurrent;
    private int _maxConcurrent;

    public volatile string[] Messages = messages;

    public Func<int, CancellationToken, Task>? BeforeFetch { get; set; }

    public int Fetches => Volatile.Read(ref _fetches);

    public int MaxConcurrentFetches => Volatile.Read(ref _maxConcurrent);

    public async Task<string[]> FetchAsync(CancellationToken cancellationToken)
    {
        int call = Interlocked.Increment(ref _fetches);
        int concurrent = Interlocked.Increment(ref _concurrent);
        InterlockedMax(ref _maxConcurrent, concurrent);
        try
        {
            if (BeforeFetch is { } before)
            {
                await before(call, cancellationToken);
            }

            return Messages;
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }
}
