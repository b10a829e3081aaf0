using Signals.EntityFrameworkCore;
using Signals.EntityFrameworkCore.PostgreSql;

// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>Extension methods that make a context's Signals use PostgreSQL.</summary>
public static class SignalsPostgreSqlDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Makes the context write its outbox rows into the save's own command and adds PostgreSQL's parts of the Signals tables to its
    /// model: for contexts configured outside <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;().UsePostgreSql()</c> (created with
    /// <c>new</c>, or in an <c>IDesignTimeDbContextFactory</c>), as <c>options.UseNpgsql(…).UseSignals(s =&gt; s.UsePostgreSql())</c>.
    /// </summary>
    /// <param name="builder">The builder passed to <c>UseSignals(…)</c>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static SignalsDbContextOptionsBuilder UsePostgreSql(this SignalsDbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseProvider(PostgreSqlOutboxProvider.Instance);
    }
}
