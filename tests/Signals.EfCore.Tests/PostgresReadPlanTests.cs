using Npgsql;

namespace Signals.EntityFrameworkCore.Tests;

/// <summary>How the PostgreSQL dispatcher's reads run on the server, observed in PostgreSQL's own table statistics.</summary>
public sealed class PostgresReadPlanTests(PostgresServer server)
{
    private static readonly TimeSpan StatisticsTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reads_use_the_xid_index_on_a_large_outbox_that_has_no_statistics_yet()
    {
        // A new database, before autovacuum has analyzed anything: 20,000 rows, no statistics.
        string db = await TestDatabase.CreateAsync(server, "readplan");
        await TestDatabase.ExecuteAsync(
            db,
            """
            ALTER TABLE signals_outbox SET (autovacuum_enabled = false);
            INSERT INTO signals_outbox (key, created_at) SELECT 'old:row:' || g, now() FROM generate_series(1, 20000) g;
            """);
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM pg_stats WHERE tablename = 'signals_outbox'"));

        // A backend publishes its table statistics when it ends, or once idle for a while (PostgreSQL 15: up to ten seconds): end the
        // set-up's pooled connections, so the counts start from everything they did.
        await using (var connection = new NpgsqlConnection(db))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await WaitForAsync(db, "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database()");
        (long seqScans, long indexScans) = await WaitForScansAsync(db, static _ => true);

        await using SignalsTestApp app = await SignalsTestApp.StartPostgresAsync(db, o =>
        {
            SignalsTestApp.NoSafetyPoll(o);
            o.RetentionPeriod = Timeout.InfiniteTimeSpan;
        });
        await HubAssert.WaitForVersionAsync(app.Hub, SignalKey.Parse("old:row:20000"));

        for (int i = 0; i < 5; i++)
        {
            long before = (await app.Hub.GetVersionAsync(ChatMessage.Room("plan"), TestContext.Current.CancellationToken)).Version;
            await app.SaveMessageAsync("plan", "hi");
            await HubAssert.WaitForVersionAsync(app.Hub, ChatMessage.Room("plan"), atLeast: before + 1);
        }

        // Loading read the whole table once (a sequential scan, as it should); each read of changes since used the index.
        (long seqScansAfter, _) = await WaitForScansAsync(db, s => s.SeqScans > seqScans && s.IndexScans >= indexScans + 5);
        Assert.Equal(seqScans + 1, seqScansAfter);
    }

    private static async Task WaitForAsync(string db, string condition)
    {
        using var timeout = new CancellationTokenSource(StatisticsTimeout);
        while (!await TestDatabase.ScalarAsync<bool>(db, condition))
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>Waits until the outbox's scan counts (<c>pg_stat_user_tables</c>), which lag behind the scans, satisfy <paramref name="done"/>.</summary>
    private static async Task<(long SeqScans, long IndexScans)> WaitForScansAsync(string db, Func<(long SeqScans, long IndexScans), bool> done)
    {
        using var timeout = new CancellationTokenSource(StatisticsTimeout);
        while (true)
        {
            long seqScans = await TestDatabase.ScalarAsync<long>(db, "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'signals_outbox'");
            long indexScans = await TestDatabase.ScalarAsync<long>(db, "SELECT coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = 'signals_outbox'");
            if (done((seqScans, indexScans)))
            {
                return (seqScans, indexScans);
            }

            await Task.Delay(200, timeout.Token);
        }
    }
}
