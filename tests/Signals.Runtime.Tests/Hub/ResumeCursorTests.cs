namespace Signals.Runtime.Tests.Hub;

/// <summary>
/// Resume cursors under out-of-order commits: a subscriber's <see cref="SignalSubscription.ResumeCursor"/> never passes a version
/// that may still be published, so resuming from it misses nothing.
/// </summary>
public class ResumeCursorTests
{
    private static readonly SignalKey A = SignalKey.Parse("chat:room:a");
    private static readonly SignalKey B = SignalKey.Parse("chat:room:b");
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private static SignalVersion V(SignalKey key, long version) => new(key, version, null, Now);

    [Fact]
    public void Without_a_dispatcher_the_settled_cursor_follows_the_cursor_and_resume_cursors_are_versions()
    {
        var hub = new SignalHub();
        using SignalSubscription subscription = hub.Subscribe([A, B]);

        hub.Publish(V(A, 3));
        hub.Publish(V(B, 7));

        Assert.Equal(7, hub.SettledCursor);
        Assert.True(subscription.TryRead(out _));
        Assert.Equal(3, subscription.ResumeCursor);
        Assert.True(subscription.TryRead(out _));
        Assert.Equal(7, subscription.ResumeCursor);
    }

    [Fact]
    public void A_version_published_above_the_settled_cursor_resumes_from_the_settled_cursor_and_a_late_lower_one_is_not_missed()
    {
        var hub = new SignalHub();
        hub.AdvanceSettledCursor(0);
        hub.Publish(V(A, 4));
        hub.AdvanceSettledCursor(4);
        using SignalSubscription first = hub.Subscribe([A, B]);
        Assert.True(first.TryRead(out SignalVersion initial));
        Assert.Equal(4, initial.Version);
        Assert.Equal(4, first.ResumeCursor);

        // B@9 is in flight (settled stays at 4) while A@10 commits and is read.
        hub.Publish(V(A, 10));
        Assert.True(first.TryRead(out SignalVersion read));
        Assert.Equal(10, read.Version);
        Assert.Equal(4, first.ResumeCursor);

        // The client disconnects here; B@9 commits late; the client resumes from its cursor and still gets it.
        hub.Publish(V(B, 9));
        hub.AdvanceSettledCursor(10);
        using SignalSubscription resumed = hub.Subscribe([A, B], after: first.ResumeCursor);
        var seen = new List<SignalVersion>();
        while (resumed.TryRead(out SignalVersion version))
        {
            seen.Add(version);
        }

        Assert.Equal([V(B, 9), V(A, 10)], seen);
        Assert.Equal(10, resumed.ResumeCursor);
        Assert.Equal(10, hub.SettledCursor);
    }

    [Fact]
    public async Task A_batch_published_with_its_settled_cursor_wakes_a_waiting_reader_only_after_the_cursor_covers_it()
    {
        var hub = new SignalHub();
        hub.AdvanceSettledCursor(0);
        using SignalSubscription subscription = hub.Subscribe([A, B]);
        ValueTask<bool> waiting = subscription.WaitToReadAsync(TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        Assert.Equal(2, hub.Publish([V(A, 5), V(B, 6)], settledCursor: 6));

        Assert.True(await waiting);
        Assert.True(subscription.TryRead(out SignalVersion first));
        Assert.Equal((5, 5L), (first.Version, subscription.ResumeCursor));
        Assert.True(subscription.TryRead(out SignalVersion second));
        Assert.Equal((6, 6L), (second.Version, subscription.ResumeCursor));
    }

    [Fact]
    public void Settled_cursor_and_resume_floor_never_move_back()
    {
        var hub = new SignalHub();
        hub.AdvanceSettledCursor(8);
        hub.AdvanceSettledCursor(5);
        hub.AdvanceResumeFloor(6);
        hub.AdvanceResumeFloor(2);

        Assert.Equal(8, hub.SettledCursor);
        Assert.Equal(6, hub.ResumeFloor);
    }
}
