using System.Globalization;
using Npgsql;

namespace Signals.LoadTests.Scenarios.WriteCost;

/// <summary>
/// What the PostgreSQL server did, read before and after a phase: statements (<c>pg_stat_statements</c>, when the server loads it),
/// transactions (<c>pg_stat_database</c>), WAL (<c>pg_stat_wal</c> and the insert position) and, for a server on this machine, the CPU
/// time of its processes. None of these depends on how busy the machine is.
/// </summary>
internal sealed class ServerCounters
{
    private readonly string _connectionString;
    private readonly bool _statements;
    private readonly int? _postmaster;

    private ServerCounters(string connectionString, bool statements, int? postmaster)
    {
        _connectionString = connectionString;
        _statements = statements;
        _postmaster = postmaster;
    }

    /// <summary>Gets a value indicating whether statements are counted (<c>pg_stat_statements</c> is loaded).</summary>
    public bool CountsStatements => _statements;

    /// <summary>Gets a value indicating whether the server's CPU time is read (the server runs on this machine).</summary>
    public bool ReadsCpu => _postmaster is not null;

    /// <summary>Connects and finds out what can be counted; creates the <c>pg_stat_statements</c> view where the library is loaded.</summary>
    /// <param name="connectionString">The scenario's database (its user may create extensions).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The counters.</returns>
    public static async Task<ServerCounters> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        string preload = (string)(await Scalar(connection, "SELECT current_setting('shared_preload_libraries')", cancellationToken))!;
        bool statements = preload.Contains("pg_stat_statements", StringComparison.Ordinal);
        if (statements)
        {
            await Scalar(connection, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", cancellationToken);
        }

        int backend = (int)(await Scalar(connection, "SELECT pg_backend_pid()", cancellationToken))!;
        int? postmaster = ProcessStat.Read(backend) is { } stat && ProcessStat.IsPostgres(backend) ? stat.ParentId : null;
        return new ServerCounters(connectionString, statements, postmaster);
    }

    /// <summary>Resets the statement statistics and reads the counters.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The counters at the start of a phase.</returns>
    public async Task<Sample> StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (_statements)
        {
            await Scalar(connection, "SELECT pg_stat_statements_reset()", cancellationToken);
        }

        return await ReadAsync(connection, cancellationToken);
    }

    /// <summary>
    /// Reads the counters at the end of a phase, after waiting for the other backends to publish their statistics (PostgreSQL 15 flushes
    /// a backend's transaction and WAL counts once it is idle, at most once a second).
    /// </summary>
    /// <param name="start">The counters at the start.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened in between.</returns>
    public async Task<Delta> StopAsync(Sample start, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        Sample end = await ReadAsync(connection, cancellationToken);
        var statements = new List<StatementCount>();
        if (_statements)
        {
            await using var command = new NpgsqlCommand(
                "SELECT query, calls, total_exec_time, total_plan_time, plans FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC",
                connection);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                statements.Add(new StatementCount(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)));
            }
        }

        // This read's own statements and transactions (two of each: the counters, the statement list) are not the phase's.
        return new Delta(
            end.Transactions - start.Transactions - 1,
            end.WalRecords - start.WalRecords,
            end.WalBytes - start.WalBytes,
            end.WalSyncs - start.WalSyncs,
            end.Xids - start.Xids,
            _postmaster is null ? double.NaN : (end.CpuSeconds - start.CpuSeconds),
            [.. statements.Where(static s => !s.Query.Contains("pg_stat_", StringComparison.Ordinal))]);
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<Sample> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()),
                   wal_records, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint, wal_sync,
                   pg_snapshot_xmin(pg_current_snapshot())::text::bigint + age(xid(pg_snapshot_xmin(pg_current_snapshot())))
            FROM pg_stat_wal
            """,
            connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Sample(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), ServerCpuSeconds());
    }

    private double ServerCpuSeconds()
    {
        if (_postmaster is not { } postmaster)
        {
            return double.NaN;
        }

        double seconds = 0;
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && ProcessStat.Read(pid) is { } stat
                && (pid == postmaster || stat.ParentId == postmaster))
            {
                seconds += stat.CpuSeconds;
            }
        }

        return seconds;
    }

    /// <summary>The server's counters at one moment.</summary>
    public sealed record Sample(long Transactions, long WalRecords, long WalBytes, long WalSyncs, long Xids, double CpuSeconds);

    /// <summary>One normalized statement's calls and time in a phase.</summary>
    public sealed record StatementCount(string Query, long Calls, double ExecMilliseconds, double PlanMilliseconds, long Plans);

    /// <summary>What the server did during a phase.</summary>
    public sealed record Delta(
        long Transactions, long WalRecords, long WalBytes, long WalSyncs, long Xids, double CpuSeconds, IReadOnlyList<StatementCount> Statements)
    {
        /// <summary>Gets how many statements ran.</summary>
        public long StatementCalls => Statements.Sum(static s => s.Calls);

        /// <summary>Gets how many times statements matching <paramref name="match"/> ran.</summary>
        /// <param name="match">Picks statements by their normalized text.</param>
        /// <returns>The calls.</returns>
        public long Calls(Func<string, bool> match) => Statements.Where(s => match(s.Query)).Sum(static s => s.Calls);
    }
}
