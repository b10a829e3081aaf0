using Signals.EntityFrameworkCore;
using Signals.EntityFrameworkCore.Sqlite;

// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods that make a Signals outbox use SQLite.</summary>
public static class SignalsSqliteOutboxBuilderExtensions
{
    /// <summary>
    /// Makes the outbox use SQLite: the dispatcher polls the outbox and, because SQLite's writers take turns, never waits for a missing
    /// id nor skips one that can still commit; the value store's writes (increments included) are atomic and queue in process; a
    /// database without the Signals tables is reported as such (health check Unhealthy, endpoints 503) until they exist.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>; the context must use <c>UseSqlite(…)</c>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// <para>
    /// It applies <c>UseSignals(s =&gt; s.UseSqlite())</c> to the context type's options, so the application's <c>AddDbContext</c> needs
    /// only <c>UseSqlite(…)</c>. Instances of the app that share one database file (on one machine: SQLite's locks need a local file
    /// system) see each other's changes through their dispatchers' polls (<see cref="SignalsOutboxOptions.PollInterval"/>, 100 ms by
    /// default).
    /// </para>
    /// <para>
    /// The outbox id must be <c>INTEGER PRIMARY KEY AUTOINCREMENT</c>, as EF Core creates it (<c>EnsureCreated()</c> or a migration):
    /// without <c>AUTOINCREMENT</c> SQLite reuses the largest id once that row is deleted. EF Core creates new SQLite databases in WAL mode,
    /// which lets the dispatchers read while a writer writes.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The builder's services hold no outbox of its context type.</exception>
    public static ISignalsOutboxBuilder UseSqlite(this ISignalsOutboxBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        OutboxRegistration.Of(builder).Provider = SqliteOutboxProvider.Instance;
        return builder;
    }
}
