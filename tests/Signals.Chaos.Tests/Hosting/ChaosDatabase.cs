using Microsoft.EntityFrameworkCore;
using Npgsql;
using Signals.Chaos.Tests.Model;

namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// The test's own access to the shared database: schema, faults on the listeners, and the truth read back at the end. Every
/// connection is unpooled, so none of them is a stale pooled connection after the server restarted.
/// </summary>
/// <param name="connectionString">The database.</param>
internal sealed class ChaosDatabase(string connectionString)
{
    /// <summary>Sessions that are a Signals listener: its documented <c>application_name</c>, or a session whose last query was a <c>LISTEN</c>.</summary>
    private const string ListenerSessions =
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
        "AND (application_name = 'Signals listener' OR query LIKE 'LISTEN %')";

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>Creates the schema, with Signals on PostgreSQL as the app has it (so anything Signals adds to the model is created too).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the tables exist.</returns>
    public async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        await db.Database.EnsureCreatedAsync(cancellationToken);
    }

    /// <summary>Terminates the backend of every Signals listener (<c>pg_terminate_backend</c>).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many backends were terminated.</returns>
    public Task<int> KillListenersAsync(CancellationToken cancellationToken)
        => ScalarAsync("SELECT count(*)::int FROM (SELECT pg_terminate_backend(pid) AS killed " + ListenerSessions + ") t WHERE killed", cancellationToken);

    /// <summary>Counts the Signals listeners connected now.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The count.</returns>
    public Task<int> CountListenersAsync(CancellationToken cancellationToken)
        => ScalarAsync("SELECT count(*)::int " + ListenerSessions, cancellationToken);

    /// <summary>Reads every committed outbox row.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rows' keys by id (version).</returns>
    public async Task<Dictionary<long, string>> ReadOutboxAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        return await db.Outbox.AsNoTracking().ToDictionaryAsync(static e => e.Id, static e => e.Key, cancellationToken);
    }

    /// <summary>Reads the ids of the outbox rows a dispatcher wrote to announce a key again (<c>reannounced_id</c> set).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids.</returns>
    public async Task<HashSet<long>> ReadReannouncementIdsAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        return [.. await db.Outbox.AsNoTracking().Where(static e => e.ReannouncedId != null).Select(static e => e.Id).ToListAsync(cancellationToken)];
    }

    /// <summary>Reads each key's last committed version: the highest id among its outbox rows.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The version per key that changed.</returns>
    public async Task<Dictionary<string, long>> ReadLastCommittedAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        return await db.Outbox.GroupBy(static e => e.Key).Select(static g => new { g.Key, Version = g.Max(static e => e.Id) })
            .ToDictionaryAsync(static p => p.Key, static p => p.Version, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>Reads the ids of every committed note.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids.</returns>
    public async Task<HashSet<Guid>> ReadNoteIdsAsync(CancellationToken cancellationToken)
    {
        await using ChaosDbContext db = CreateContext();
        return [.. await db.Notes.AsNoTracking().Select(static n => n.Id).ToListAsync(cancellationToken)];
    }

    private ChaosDbContext CreateContext()
        => new(new DbContextOptionsBuilder<ChaosDbContext>().UseNpgsql(_connectionString).UseSignals(s => s.UsePostgreSql()).Options);

    private async Task<int> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
