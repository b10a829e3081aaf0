namespace Signals.Client.Tests.Infrastructure;

/// <summary>Reads a watch's versions one by one, within a deadline, and keeps all of them for monotonicity checks.</summary>
public sealed class Watcher : IAsyncDisposable
{
    private readonly IAsyncEnumerator<SignalVersion> _versions;

    public Watcher(ISignalsClient client, CancellationToken deadline, params string[] keys)
        => _versions = client.WatchAsync(keys.Select(SignalKey.Parse), deadline).GetAsyncEnumerator(deadline);

    public List<SignalVersion> Seen { get; } = [];

    public async Task<SignalVersion> NextAsync()
    {
        Assert.True(await _versions.MoveNextAsync(), "The watch ended.");
        Seen.Add(_versions.Current);
        return _versions.Current;
    }

    /// <summary>Reads until <paramref name="key"/> reaches <paramref name="version"/> (exactly: a watch never skips the latest).</summary>
    public async Task UntilAsync(string key, long version)
    {
        while (true)
        {
            SignalVersion next = await NextAsync();
            if (next.Key.Value == key && next.Version >= version)
            {
                Assert.Equal(version, next.Version);
                return;
            }
        }
    }

    /// <summary>Asserts that every key's versions strictly increased.</summary>
    public void AssertMonotonic()
    {
        foreach (IGrouping<SignalKey, SignalVersion> key in Seen.GroupBy(static v => v.Key))
        {
            long[] versions = [.. key.Select(static v => v.Version)];
            Assert.True(versions.Zip(versions.Skip(1)).All(static p => p.First < p.Second), $"{key.Key}: {string.Join(", ", versions)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _versions.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }
}
