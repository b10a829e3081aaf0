using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Signals.Chaos.Tests.Model;
using Signals.EntityFrameworkCore;

namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// A PostgreSQL database: instances use <c>UseNpgsql</c> and <c>UsePostgreSql()</c>; the test can terminate the listeners' backends and the
/// replication consumer's walsender.
/// The test's connections are unpooled, so none of them is a stale pooled connection after the server restarted.
/// </summary>
/// <param name="connectionString">The database.</param>
internal sealed class PostgresChaosDatabase(string connectionString) : ChaosDatabase
{
    /// <summary>Sessions that are a Signals listener: its documented <c>application_name</c>, or a session whose last query was a <c>LISTEN</c>.</summary>
    private const string ListenerSessions =
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
        "AND (application_name = 'Signals listener' OR query LIKE 'LISTEN %')";

    /// <summary>The outbox's replication slot in this database (one: the replicated notes' publication), as <c>pg_replication_slots</c> has it.</summary>
    private const string ReplicationSlot = "FROM pg_replication_slots WHERE database = current_database()";

    private readonly string _unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <inheritdoc/>
    public override string Kind => "PostgreSQL";

    /// <inheritdoc/>
    public override void ConfigureContext(DbContextOptionsBuilder options) => options.UseNpgsql(connectionString);

    /// <inheritdoc/>
    public override void UseProvider(ISignalsOutboxBuilder outbox) => outbox.UsePostgreSql();

    /// <inheritdoc/>
    /// <remarks>Both listeners, and an instance's replication consumer reading the slot (the other waits on standby).</remarks>
    public override async Task<bool> InstancesConnectedAsync(CancellationToken cancellationToken)
        => await CountListenersAsync(cancellationToken) >= 2 && await ScalarAsync("SELECT count(*)::int " + ReplicationSlot + " AND active", cancellationToken) > 0;

    /// <inheritdoc/>
    public override bool CapturesByReplication => true;

    /// <summary>Terminates the backend of every Signals listener (<c>pg_terminate_backend</c>).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many backends were terminated.</returns>
    public Task<int> KillListenersAsync(CancellationToken cancellationToken)
        => ScalarAsync("SELECT count(*)::int FROM (SELECT pg_terminate_backend(pid) AS killed " + ListenerSessions + ") t WHERE killed", cancellationToken);

    /// <summary>
    /// Terminates the walsender of the replication consumer reading the slot (<c>pg_terminate_backend</c> of its <c>active_pid</c>):
    /// the commits it had not reported flushed are sent again to whichever instance reads the slot next.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many backends were terminated (0 when no instance was reading the slot).</returns>
    public Task<int> KillReplicationReaderAsync(CancellationToken cancellationToken)
        => ScalarAsync("SELECT count(*)::int FROM (SELECT pg_terminate_backend(active_pid) AS killed " + ReplicationSlot + " AND active_pid IS NOT NULL) t WHERE killed", cancellationToken);

    /// <summary>Counts the Signals listeners connected now.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The count.</returns>
    public Task<int> CountListenersAsync(CancellationToken cancellationToken)
        => ScalarAsync("SELECT count(*)::int " + ListenerSessions, cancellationToken);

    /// <inheritdoc/>
    public override bool CaptureBumpsOncePerTransaction => true;

    /// <inheritdoc/>
    public override DbConnection CreateRawConnection() => new NpgsqlConnection(connectionString);

    /// <inheritdoc/>
    public override object RawGuid(Guid id) => id;

    /// <inheritdoc/>
    protected override ChaosDbContext CreateContext()
        => new(new DbContextOptionsBuilder<ChaosDbContext>().UseNpgsql(_unpooled).UseSignals(s => s.UsePostgreSql()).Options);

    private async Task<int> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_unpooled);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
