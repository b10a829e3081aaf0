using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Signals.LoadTests.Hosting;
using Signals.LoadTests.Model;

namespace Signals.LoadTests.Scenarios.WriteOverhead;

/// <summary>
/// The database of the logical-replication variants of <c>write-overhead</c> and <c>write-cost</c> (<see cref="ReplicatedBenchDbContext"/>):
/// its creation (which needs a server at <c>wal_level = logical</c>), the wait that shows whether the app's replication consumer keeps up,
/// and the removal of its slot.
/// </summary>
internal static class ReplicatedDatabase
{
    /// <summary>The longest <see cref="WaitForMarkerAsync"/> waits for the marker's key.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private const string Outbox = "signals_outbox";

    /// <summary>Creates the database with <see cref="ReplicatedBenchDbContext"/>'s schema (publication, slot) and the rows <c>1..items</c>.</summary>
    /// <param name="postgres">The server.</param>
    /// <param name="scenario">The scenario's name (<c>write-overhead</c>, <c>write-cost</c>): the prefix of the database's name, and named in the error.</param>
    /// <param name="items">How many rows to create.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The database's connection string.</returns>
    /// <exception cref="InvalidOperationException">The server does not run at <c>wal_level = logical</c>.</exception>
    public static async Task<string> CreateAsync(BenchPostgres postgres, string scenario, int items, CancellationToken cancellationToken)
    {
        string connectionString = await postgres.CreateDatabaseAsync($"{scenario.Replace('-', '_')}_replicated", cancellationToken);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT current_setting('wal_level')", connection);
            string walLevel = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            if (walLevel != "logical")
            {
                throw new InvalidOperationException(
                    $"{scenario} needs a server at wal_level = logical for its logical-replication variant; this one runs wal_level = {walLevel} " +
                    $"(the throwaway local server starts with it; a server named by {BenchPostgres.ConnectionStringVariable} must be configured so).");
            }
        }

        await BenchDbContext.CreateSchemaAsync(connectionString, items, cancellationToken, static c => new ReplicatedBenchDbContext(ReplicatedBenchDbContext.Options(c)));
        return connectionString;
    }

    /// <summary>
    /// Inserts a marker row (a key nothing else bumps) and waits until the replication consumer has written its key into the outbox.
    /// The slot streams commits in commit order and the consumer writes them in that order, so by then the keys of every write
    /// committed before the marker are in the outbox too.
    /// </summary>
    /// <param name="contexts">The variant's contexts.</param>
    /// <param name="connectionString">The replicated database.</param>
    /// <param name="markerId">An item id no other write uses.</param>
    /// <param name="since">Where the wait is timed from (<see cref="Stopwatch.GetTimestamp"/>), e.g. the end of the last timed write.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The time from <paramref name="since"/> until the key was seen (polled every 10 ms), or <see langword="null"/> if it did not arrive within <see cref="Bound"/>.</returns>
    public static async Task<TimeSpan?> WaitForMarkerAsync(
        IDbContextFactory<BenchDbContext> contexts, string connectionString, long markerId, long since, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        long before;
        await using (var max = new NpgsqlCommand($"SELECT coalesce(max(id), 0) FROM {Outbox}", connection))
        {
            before = (long)(await max.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (BenchDbContext db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.Items.Add(new BenchItem { Id = markerId, Value = markerId });
            await db.SaveChangesAsync(cancellationToken);
        }

        long start = Stopwatch.GetTimestamp();
        await using var arrived = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {Outbox} WHERE id > $1 AND key = $2)", connection)
        {
            Parameters = { new() { Value = before }, new() { Value = $"bench:item:{markerId}" } },
        };
        while (true)
        {
            if ((bool)(await arrived.ExecuteScalarAsync(cancellationToken))!)
            {
                return Stopwatch.GetElapsedTime(since);
            }

            if (Stopwatch.GetElapsedTime(start) > Bound)
            {
                return null;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>
    /// Drops the database's replication slot once its reader (the stopped app) has let it go, waiting at most 10 seconds, so that it
    /// keeps no WAL of the server and the database can be dropped (on an external server too). Best effort: a failure is printed.
    /// </summary>
    /// <param name="connectionString">The replicated database.</param>
    /// <returns>A task that completes when the slot is gone or the wait is over.</returns>
    public static async Task DropSlotAsync(string connectionString)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var active = new NpgsqlCommand("SELECT count(*)::int FROM pg_replication_slots WHERE database = current_database() AND active", connection);
            while ((int)(await active.ExecuteScalarAsync())! > 0 && Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }

            await using var drop = new NpgsqlCommand(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = current_database() AND NOT active", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException exception)
        {
            Console.WriteLine($"   could not drop the replication slot of the logical-replication variant's database: {exception.Message}");
        }
    }
}
