namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>Bounded waits on a hub: a subscription read with a timeout, never a sleep.</summary>
internal static class HubAssert
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Waits until the hub holds a version of <paramref name="key"/> of at least <paramref name="atLeast"/>.</summary>
    public static async Task<SignalVersion> WaitForVersionAsync(SignalHub hub, SignalKey key, long atLeast = 1, TimeSpan? timeout = null)
    {
        CancellationToken testToken = TestContext.Current.CancellationToken;
        using SignalSubscription subscription = hub.Subscribe([key]);
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
            $"The hub did not see '{key}' at version {atLeast} or later within {timeout ?? DefaultTimeout}; it has version {hub.GetVersion(key).Version}.");
    }
}
