using Signals.EntityFrameworkCore;
using Signals.EntityFrameworkCore.Sqlite;

// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>Extension methods that make a context's Signals use SQLite.</summary>
public static class SignalsSqliteDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Selects the SQLite provider for a context configured outside <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;().UseSqlite()</c>
    /// (created with <c>new</c>, or in an <c>IDesignTimeDbContextFactory</c>), as <c>options.UseSqlite(…).UseSignals(s =&gt; s.UseSqlite())</c>.
    /// </summary>
    /// <param name="builder">The builder passed to <c>UseSignals(…)</c>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static SignalsDbContextOptionsBuilder UseSqlite(this SignalsDbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseProvider(SqliteOutboxProvider.Instance);
    }
}
