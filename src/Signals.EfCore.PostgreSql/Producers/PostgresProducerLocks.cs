using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Signals.EntityFrameworkCore.PostgreSql;

/// <summary>
/// Producer locks as PostgreSQL session-level advisory locks (<c>pg_try_advisory_lock(bigint)</c>), all held on one dedicated connection
/// of this instance. PostgreSQL releases a session's advisory locks when the session ends, so an instance that dies (or whose connection
/// dies) frees its keys for the others: see "Advisory Locks" in the PostgreSQL documentation (explicit locking).
/// </summary>
/// <remarks>
/// <para>
/// A key's lock id is the first 8 bytes of the SHA-256 of <c>signals-producer:</c> and the key: 64 bits, so two keys share a lock
/// only by a collision (about one chance in 10^10 among a million keys), and the ids stay clear of small ids an application may use.
/// </para>
/// <para>
/// The connection is probed every <see cref="ProbeInterval"/>, each probe bounded by <see cref="CommandTimeoutSeconds"/> (and TCP
/// keepalive is on; Npgsql's own <c>KeepAlive</c> query is off, as on the listener's connection, since it would hold a silent connection
/// for its 30-second timeout and the probe would wait behind it): when a probe or a lock command fails, every lease taken on it is lost
/// (<see cref="ProducerLease.Lost"/>), since the server may have ended the session and freed the locks; the next attempt opens a new
/// connection. Session-level advisory locks are re-entrant within a session, which is harmless here: an
/// instance asks for a key's lock only while it does not hold it.
/// </para>
/// </remarks>
internal sealed class PostgresProducerLocks : ProducerLocks
{
    /// <summary>The <c>application_name</c> of the locks' connection unless the connection string sets one.</summary>
    public const string ApplicationName = "Signals producer locks";

    /// <summary>How often the connection is probed while it holds locks: 1 second.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a probe or a lock command may take, in seconds (Npgsql's <c>CommandTimeout</c>): 2. A connection that goes silent (a
    /// network cut: no reset, no close) fails its probe after it, plus Npgsql's <c>Cancellation Timeout</c> (2 s by default).
    /// </summary>
    public const int CommandTimeoutSeconds = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private Session? _session;

    /// <summary>Initializes the locks; nothing connects before the first lock is asked for.</summary>
    /// <param name="connectionString">The database's connection string.</param>
    /// <param name="logger">Logs connection failures.</param>
    public PostgresProducerLocks(string connectionString, ILogger logger)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= ApplicationName;
        // TCP keepalive, not Npgsql's KeepAlive: the latter sends its own query from a timer and blocks the connection until that
        // query's answer, so on a silent connection the probe would wait behind it for the 30-second default timeout.
        builder.ConnectionStringBuilder.TcpKeepAlive = true;
        builder.ConnectionStringBuilder.Pooling = false;
        _dataSource = builder.Build();
        _logger = logger;
    }

    /// <inheritdoc/>
    public override string Name => "PostgreSQL advisory locks";

    /// <summary>Computes a key's advisory lock id.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The 64-bit id passed to <c>pg_try_advisory_lock</c>.</returns>
    public static long LockId(SignalKey key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("signals-producer:" + key.Value), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <inheritdoc/>
    /// <exception cref="NpgsqlException">The database could not be reached; the caller tries again later.</exception>
    public override async ValueTask<ProducerLease?> TryAcquireAsync(SignalKey key, CancellationToken cancellationToken)
    {
        long id = LockId(key);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        Session? session = null;
        try
        {
            session = _session ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlCommand command = new("SELECT pg_try_advisory_lock($1)", session.Connection) { CommandTimeout = CommandTimeoutSeconds };
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! ? new Lease(this, session, id) : null;
        }
        catch (Exception) when (session is not null)
        {
            // The command may have been sent: the session's state is unknown, so it ends (which frees whatever it held).
            await EndAsync(session).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_session is { } session)
            {
                await EndAsync(session).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<Session> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var session = new Session(connection);
        _ = ProbeAsync(session);
        return session;
    }

    /// <summary>Ends a session: every lease on it is lost, and its connection closes (the server frees its locks). Call inside the gate.</summary>
    private async Task EndAsync(Session session)
    {
        if (ReferenceEquals(_session, session))
        {
            _session = null;
        }

        await session.Ended.CancelAsync().ConfigureAwait(false);
        await session.Connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Probes a session's connection until it ends; a failed probe ends it.</summary>
    private async Task ProbeAsync(Session session)
    {
        using var timer = new PeriodicTimer(ProbeInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(session.Ended.Token).ConfigureAwait(false))
            {
                await _gate.WaitAsync(session.Ended.Token).ConfigureAwait(false);
                try
                {
                    if (session.Ended.IsCancellationRequested)
                    {
                        return;
                    }

                    await using NpgsqlCommand probe = new("SELECT 1", session.Connection) { CommandTimeout = CommandTimeoutSeconds };
                    await probe.ExecuteScalarAsync(session.Ended.Token).ConfigureAwait(false);
                }
                catch (Exception exception) when (!session.Ended.IsCancellationRequested)
                {
                    // Any failure but the session's own end, a cancellation included (a timed-out command can end as one), loses its leases.
                    PostgreSqlLog.ProducerLocksLost(_logger, exception);
                    await EndAsync(session).ConfigureAwait(false);
                    return;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
    }

    /// <summary>Releases one lock, unless its session has ended (which released it).</summary>
    private async ValueTask ReleaseAsync(Session session, long id)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (session.Ended.IsCancellationRequested)
            {
                return;
            }

            await using NpgsqlCommand command = new("SELECT pg_advisory_unlock($1)", session.Connection) { CommandTimeout = CommandTimeoutSeconds };
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            await command.ExecuteScalarAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            PostgreSqlLog.ProducerLocksLost(_logger, exception);
            await EndAsync(session).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One connection and the locks it holds.</summary>
    private sealed class Session(NpgsqlConnection connection)
    {
        public NpgsqlConnection Connection { get; } = connection;

        public CancellationTokenSource Ended { get; } = new();
    }

    private sealed class Lease(PostgresProducerLocks locks, Session session, long id) : ProducerLease
    {
        public override CancellationToken Lost => session.Ended.Token;

        public override ValueTask DisposeAsync() => locks.ReleaseAsync(session, id);
    }
}
