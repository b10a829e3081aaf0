namespace Signals.Runtime.Tests.Hub;

/// <summary><see cref="SignalHub.WaitForSettledAsync"/>: a lagging instance waits until it has published what another instance showed.</summary>
public class SettledWaitTests
{
    private static readonly SignalKey A = SignalKey.Parse("chat:room:a");
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private static SignalVersion V(long version) => new(A, version, null, DateTimeOffset.UnixEpoch);

    /// <summary>Asserts that a wait completed synchronously, without waiting for anything, and reported <see langword="true"/>.</summary>
    private static async Task AssertTrueAtOnceAsync(ValueTask<bool> wait)
    {
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(await wait);
    }

    [Fact]
    public async Task Without_a_dispatcher_it_returns_true_at_once_whatever_the_cursor()
    {
        var hub = new SignalHub();
        hub.Publish(V(3));

        await AssertTrueAtOnceAsync(hub.WaitForSettledAsync(1_000, Long, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_cursor_already_settled_returns_true_at_once()
    {
        var hub = new SignalHub();
        hub.AdvanceSettledCursor(7);

        await AssertTrueAtOnceAsync(hub.WaitForSettledAsync(7, Long, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task It_wakes_when_the_settled_cursor_reaches_the_cursor_and_not_before()
    {
        var hub = new SignalHub();
        hub.AdvanceSettledCursor(0);
        Task<bool> ten = hub.WaitForSettledAsync(10, Long, TestContext.Current.CancellationToken).AsTask();
        Task<bool> twenty = hub.WaitForSettledAsync(20, Long, TestContext.Current.CancellationToken).AsTask();

        hub.AdvanceSettledCursor(9);
        hub.Publish([V(10)], settledCursor: 10);

        Assert.True(await ten);
        Assert.False(twenty.IsCompleted); // 20 is not settled: nothing may complete it
        hub.AdvanceSettledCursor(25);
        Assert.True(await twenty);
    }

    [Fact]
    public async Task It_returns_false_when_the_timeout_elapses_and_a_later_wait_still_wakes()
    {
        var hub = new SignalHub();
        hub.AdvanceSettledCursor(5);

        Assert.False(await hub.WaitForSettledAsync(10, TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken));

        Task<bool> later = hub.WaitForSettledAsync(10, Long, TestContext.Current.CancellationToken).AsTask();
        hub.AdvanceSettledCursor(10);
        Assert.True(await later);
    }

    [Fact]
    public async Task Cancellation_throws_rather_than_reporting_a_timeout()
    {
        var hub = new SignalHub();
        hub.AdvanceSettledCursor(0);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Task<bool> wait = hub.WaitForSettledAsync(10, Long, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
