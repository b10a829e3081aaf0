using Signals.EntityFrameworkCore.PostgreSql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>The settled-cursor arithmetic on synthetic snapshots (the real-server behaviour is in <see cref="GapSafetyTests"/>).</summary>
public sealed class SettledCursorTrackerTests
{
    [Fact]
    public void Quiet_database_settles_everything_allocated()
    {
        var tracker = new SettledCursorTracker();

        Assert.Equal(0, tracker.Observe(0, 700, PostgresSnapshot.Parse("700:700:")));
        Assert.Equal(5, tracker.Observe(5, 702, PostgresSnapshot.Parse("702:702:")));
    }

    [Fact]
    public void A_running_transaction_holds_the_cursor_below_its_ids_whether_the_snapshot_lists_it_or_not()
    {
        var tracker = new SettledCursorTracker();
        Assert.Equal(0, tracker.Observe(0, 742, PostgresSnapshot.Parse("742:742:")));

        // 742 draws ids 1-2 and keeps running; nothing completed since, so the snapshot does not list it (xmax is 742).
        Assert.Equal(0, tracker.Observe(2, 743, PostgresSnapshot.Parse("742:742:")));

        // 743 draws 3-4 and commits: now 742 is listed.
        Assert.Equal(0, tracker.Observe(4, 744, PostgresSnapshot.Parse("742:744:742")));

        // 742 commits.
        Assert.Equal(4, tracker.Observe(4, 744, PostgresSnapshot.Parse("744:744:")));
    }

    [Fact]
    public void History_stays_bounded_while_a_transaction_older_than_every_observation_runs()
    {
        var tracker = new SettledCursorTracker();

        // Transaction 700 started before the dispatcher and never ends; reads keep coming.
        for (ulong xid = 710; xid < 710 + (3 * SettledCursorTracker.MaxHistory); xid++)
        {
            Assert.Equal(0, tracker.Observe((long)xid, xid, PostgresSnapshot.Parse($"700:{xid}:700")));
        }

        Assert.InRange(tracker.HistoryCount, 1, SettledCursorTracker.MaxHistory + 1);
    }

    [Fact]
    public void A_transaction_older_than_every_observation_holds_the_cursor_until_it_ends()
    {
        var tracker = new SettledCursorTracker();

        Assert.Equal(0, tracker.Observe(10, 710, PostgresSnapshot.Parse("700:710:700")));
        Assert.Equal(0, tracker.Observe(12, 712, PostgresSnapshot.Parse("700:712:700")));
        Assert.Equal(12, tracker.Observe(12, 713, PostgresSnapshot.Parse("713:713:")));
    }

    [Fact]
    public void Snapshot_text_parses_and_rejects_garbage()
    {
        PostgresSnapshot snapshot = PostgresSnapshot.Parse("10:20:10,14,15");

        Assert.Equal((10UL, 20UL), (snapshot.Xmin, snapshot.Xmax));
        Assert.Equal([10UL, 14, 15], snapshot.InProgress);
        Assert.Throws<FormatException>(() => PostgresSnapshot.Parse("10:20"));
    }
}
