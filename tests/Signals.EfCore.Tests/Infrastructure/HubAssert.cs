namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>Bounded waits on a hub: a subscription read with a timeout, never a sleep.</summary>
internal static class HubAssert
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Watches keys, so the hub holds them (pinned, their versions read from the database now) and only the dispatcher changes them
    /// from here on: what <see cref="Held"/> then reads is what the dispatcher published. Dispose it at the end of the test.
    /// </summary>
    public static ValueTask<SignalSubscription> WatchAsync(SignalHub hub, params SignalKey[] keys)
        => hub.SubscribeAsync(keys, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>The version the hub holds of a watched key (see <see cref="WatchAsync"/>), never read from the database.</summary>
    public static SignalVersion Held(SignalHub hub, SignalKey key)
    {
        Assert.True(hub.TryGetHeldVersion(key, out SignalVersion version), $"The hub does not hold '{key}': watch it first.");
        return version;
    }

    /// <summary>
    /// Waits until the hub answers a version of <paramref name="key"/> of at least <paramref name="atLeast"/>: published by the dispatcher,
    /// or read from the database when the hub did not hold the key (watch it first with <see cref="WatchAsync"/> to see only the dispatcher's).
    /// </summary>
    public static async Task<SignalVersion> WaitForVersionAsync(SignalHub hub, SignalKey key, long atLeast = 1, TimeSpan? timeout = null)
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;
        using SignalSubscription subscription = hub.Subscribe([key]);

        // A change published before the subscription existed is not read from it: the version the hub holds may already be it.
        if (hub.TryGetHeldVersion(key, out SignalVersion current) && current.Version >= atLeast)
        {
            return current;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(testToken);
        timeoutSource.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await foreach (SignalVersion version in subscription.ReadAllAsync(timeoutSource.Token))
            {
                if (version.Version >= atLeast)
                {
                    return version;
                }
            }
        }
        catch (OperationCanceledException) when (!testToken.IsCancellationRequested)
        {
            // Timed out: reported below.
        }

        throw new TimeoutException(
            $"The hub did not see '{key}' at version {atLeast} or later within {timeout ?? DefaultTimeout}; it has version {(await hub.GetVersionAsync(key, TestContext.Current.CancellationToken)).Version}.");
    }
}
