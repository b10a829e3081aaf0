using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Configures Signals on a context's options: passed to the delegate of <c>UseSignals(signals =&gt; …)</c>, where provider packages
/// add their methods (e.g. <c>signals.UsePostgreSql()</c>), the way <c>UseNpgsql(…, npgsql =&gt; npgsql.UseNetTopologySuite())</c> does.
/// </summary>
public class SignalsDbContextOptionsBuilder
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="optionsBuilder">The context's options builder.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optionsBuilder"/> is <see langword="null"/>.</exception>
    public SignalsDbContextOptionsBuilder(DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        OptionsBuilder = optionsBuilder;
    }

    /// <summary>Gets the context's options builder.</summary>
    public DbContextOptionsBuilder OptionsBuilder { get; }

    /// <summary>Selects the provider that appends a save's outbox rows (called by provider packages).</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    internal SignalsDbContextOptionsBuilder UseProvider(OutboxProvider provider) => With(e => e.WithProvider(provider));

    /// <summary>Sets the dispatcher woken after commits (called by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>).</summary>
    /// <param name="signaler">The dispatcher's signaler.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    internal SignalsDbContextOptionsBuilder WakeAfterCommit(OutboxSignaler signaler) => With(e => e.WithSignaler(signaler));

    /// <summary>Sets the application's mapped namespaces as this context sees them (called by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>).</summary>
    /// <param name="namespaces">The namespaces; <see langword="null"/> for none.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    internal SignalsDbContextOptionsBuilder UseNamespaces(ContextNamespaces? namespaces) => With(e => e.WithNamespaces(namespaces));

    private SignalsDbContextOptionsBuilder With(Func<SignalsOptionsExtension, SignalsOptionsExtension> change)
    {
        SignalsOptionsExtension extension = OptionsBuilder.Options.FindExtension<SignalsOptionsExtension>() ?? new SignalsOptionsExtension();
        ((IDbContextOptionsBuilderInfrastructure)OptionsBuilder).AddOrUpdateExtension(change(extension));
        return this;
    }
}
