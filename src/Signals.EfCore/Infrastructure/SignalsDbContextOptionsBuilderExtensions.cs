using Microsoft.EntityFrameworkCore.Infrastructure;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>Extension methods that turn on Signals for a <see cref="DbContext"/>.</summary>
public static class SignalsDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Turns on Signals for the context: every save records a version bump for each affected signal key in the outbox (mapped with
    /// <see cref="SignalsModelBuilderExtensions.AddSignalsOutbox"/>), in the same transaction as the data.
    /// </summary>
    /// <param name="optionsBuilder">The options builder of the context.</param>
    /// <param name="configure">
    /// Configures Signals for the context, e.g. <c>signals =&gt; signals.UsePostgreSql()</c> (package
    /// <c>Signals.EntityFrameworkCore.PostgreSql</c>) to write the rows into the save's own command; without a provider the rows are
    /// tracked entities of the save, which works on every EF Core provider.
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// <para>
    /// <c>AddSignals().AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c> calls this for the context type it registers (with the provider
    /// chosen there, e.g. <c>.UsePostgreSql()</c>) and links its contexts to the application's dispatcher, which it then wakes after
    /// every commit: an application that registers its context with <c>AddDbContext</c> does not need to call it. Call it for contexts
    /// created with <c>new</c> (or in an <c>IDesignTimeDbContextFactory</c>, so migrations see what the provider adds to the model);
    /// their saves wake no dispatcher, and the dispatchers' safety poll delivers them.
    /// </para>
    /// <para>
    /// Idempotent: calling it again keeps what earlier calls configured unless <paramref name="configure"/> changes it. The Signals
    /// interceptors are part of EF Core's services (like EF Core's own plugins), so they run before interceptors added with
    /// <c>AddInterceptors</c>: change signal sources before <c>SaveChanges</c>, not in another interceptor's <c>SavingChanges</c>.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="optionsBuilder"/> is <see langword="null"/>.</exception>
    public static DbContextOptionsBuilder UseSignals(this DbContextOptionsBuilder optionsBuilder, Action<SignalsDbContextOptionsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        if (optionsBuilder.Options.FindExtension<SignalsOptionsExtension>() is null)
        {
            ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(new SignalsOptionsExtension());
        }

        configure?.Invoke(new SignalsDbContextOptionsBuilder(optionsBuilder));
        return optionsBuilder;
    }

    /// <summary>
    /// Turns on Signals for the context: every save records a version bump for each affected signal key in the outbox (mapped with
    /// <see cref="SignalsModelBuilderExtensions.AddSignalsOutbox"/>), in the same transaction as the data.
    /// </summary>
    /// <typeparam name="TContext">The type of the context.</typeparam>
    /// <param name="optionsBuilder">The options builder of the context.</param>
    /// <param name="configure">Configures Signals for the context, e.g. <c>signals =&gt; signals.UsePostgreSql()</c>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>See <see cref="UseSignals(DbContextOptionsBuilder, Action{SignalsDbContextOptionsBuilder})"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="optionsBuilder"/> is <see langword="null"/>.</exception>
    public static DbContextOptionsBuilder<TContext> UseSignals<TContext>(
        this DbContextOptionsBuilder<TContext> optionsBuilder, Action<SignalsDbContextOptionsBuilder>? configure = null)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseSignals((DbContextOptionsBuilder)optionsBuilder, configure);
}
