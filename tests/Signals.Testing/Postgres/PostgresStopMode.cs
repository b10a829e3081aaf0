namespace Signals.Testing;

/// <summary>How <see cref="LocalPostgresServer.StopAsync"/> stops the server (<c>pg_ctl stop -m</c>).</summary>
public enum PostgresStopMode
{
    /// <summary>Roll back open transactions, disconnect clients and shut down cleanly (<c>-m fast</c>).</summary>
    Fast,

    /// <summary>Kill the server processes without a clean shutdown, as a crash would; the next start runs crash recovery (<c>-m immediate</c>).</summary>
    Immediate,
}
