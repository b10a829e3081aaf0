using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signals.EntityFrameworkCore;

namespace Signals;

/// <summary>Maps a namespace to a database of its own, through an EF Core context (<c>MapNamespace</c>'s callback).</summary>
public static class EntityFrameworkCoreNamespaceBuilderExtensions
{
    /// <summary>
    /// Stores the namespace in <typeparamref name="TContext"/>'s database (e.g. one tenant's):
    /// <c>AddSignals().MapNamespace("tenant-acme", ns =&gt; ns.UseEntityFrameworkCore&lt;AcmeDbContext&gt;().UsePostgreSql())</c>.
    /// </summary>
    /// <typeparam name="TContext">
    /// The namespace's context type: registered with <c>AddDbContext</c> (or a factory or pool) on its own database, mapping the outbox with
    /// <c>modelBuilder.AddSignalsOutbox()</c>, and used for this namespace only (not the app's own outbox context, not another namespace's).
    /// </typeparam>
    /// <param name="builder">The namespace's builder.</param>
    /// <param name="configure">Configures this outbox's dispatcher options; runs after the defaults and the <c>Signals:Outbox</c> section.</param>
    /// <returns>A builder to choose the provider with (<c>.UsePostgreSql()</c>, <c>.UseSqlite()</c>) and to add wake-ups (<c>.AddRedis()</c>).</returns>
    /// <remarks>
    /// <para>
    /// Everything <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c> does for the app's context, for this namespace: <c>SaveChanges</c>
    /// on <typeparamref name="TContext"/> stages the namespace's keys into <em>its</em> database's outbox in the same transaction,
    /// <c>InvalidateSignals(Async)</c> writes there, and <see cref="ISignalStore"/> / <see cref="ISignalValueStore"/> (the value endpoints,
    /// producers' emits) send the namespace's keys there. A dispatcher of its own (<c>LISTEN/NOTIFY</c> on PostgreSQL, polling elsewhere)
    /// publishes its changes into every instance's hub, and the hub reads the namespace's keys it does not hold from that database.
    /// </para>
    /// <para>
    /// Its versions are that outbox's ids: a version line of its own, monotonic per key across instances and restarts, which never moves
    /// the app's settled cursor, resume floor or event ids (see docs/namespaces.md). A save or an invalidation on one context of a key
    /// that belongs to another (the app's keys on <typeparamref name="TContext"/>, the namespace's keys on the app's context) throws
    /// <see cref="InvalidOperationException"/> before anything is written.
    /// </para>
    /// <para>
    /// Start-up fails with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> when the context is also the app's
    /// outbox or another namespace's, or when the app has no outbox of its own (<c>AddEntityFrameworkCoreOutbox&lt;TOther&gt;()</c>).
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsOutboxBuilder UseEntityFrameworkCore<TContext>(this SignalNamespaceBuilder builder, Action<SignalsOutboxOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseStore(SignalNamespaceStore.EntityFrameworkCore, typeof(TContext));
        _ = SignalsOutboxServiceCollectionExtensions.AddOutbox<TContext>(builder.Services, builder.Name, configure);
        return SignalsOutboxServiceCollectionExtensions.BuilderFor(builder.Services, typeof(TContext));
    }
}
