using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Signals.Chaos.Tests.Model;
using Signals.EntityFrameworkCore;

namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// A PostgreSQL database: instances use <c>UseNpgsql</c> and <c>UsePostgreSql()</c>; the test can terminate the listeners' backends.
/// The test's connections are unpooled, so none of them is a stale pooled connection after the server restarted.
/// </summary>
/// <param name="connectionString">The database.</param>
internal sealed class PostgresChaosDatabase(string connectionString) : ChaosDatabase
{
    /// <summary>Sessions that are a Signals listener: its documented <c>application_name</c>, or a session whose last query was a <c>LISTEN</c>.</summary>
    private const string ListenerSessions =
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
        "AND (application_name = 'Signals listener' OR query LIKE 'LISTEN %')";

    private readonly string _unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <inheritdoc/>
    public override string Kind => "PostgreSQL";

    /// <inheritdoc/>
    public override void ConfigureContext(DbContextOptionsBuilder options) => options.UseNpgsql(connectionString);

    /// <inheritdoc/>
    public override void UseProvider(ISignalsOutboxBuilder outbox) => outbox.UsePostgreSql();

    /// <inheritdoc/>
    public override async Task<bool> InstancesConnectedAsync(CancellationToken cancellationToken) => await CountListenersAsync(cancellationToken) >= 2;

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
