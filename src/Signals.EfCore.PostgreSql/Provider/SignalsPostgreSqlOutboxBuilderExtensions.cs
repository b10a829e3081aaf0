using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Signals.EntityFrameworkCore;
using Signals.EntityFrameworkCore.PostgreSql;

// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods that make a Signals outbox use PostgreSQL.</summary>
public static class SignalsPostgreSqlOutboxBuilderExtensions
{
    /// <summary>
    /// Makes the outbox use PostgreSQL: the rows of each save go into the save's own command, the dispatcher reads by transaction id
    /// (never skipping a late commit), listens for <c>pg_notify</c> wake-ups and sends one after local commits, and values are
    /// <c>jsonb</c> incremented inside the database. The model gets PostgreSQL's parts of the Signals tables (see
    /// <see cref="SignalsSchema"/>).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>; the context must use Npgsql.</param>
    /// <param name="configure">Configures the provider's options; runs after the defaults and the <c>Signals:PostgreSql</c> configuration section.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// It applies <c>UseSignals(s =&gt; s.UsePostgreSql())</c> to the context type's options, so the application's <c>AddDbContext</c>
    /// needs only <c>UseNpgsql(…)</c>. The dispatcher connects with the context's connection string (<c>Database.GetConnectionString()</c>)
    /// and fails at start with a clear message when the context is not on Npgsql. Options are validated at start-up.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsOutboxBuilder UsePostgreSql(this ISignalsOutboxBuilder builder, Action<SignalsPostgreSqlOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        OutboxRegistration registration = OutboxRegistration.Of(builder);
        IServiceCollection services = builder.Services;
        if (registration.Provider is not PostgreSqlOutboxProvider)
        {
            registration.Provider = PostgreSqlOutboxProvider.Instance;
            services.AddOptions<SignalsPostgreSqlOptions>(registration.OptionsName).BindConfiguration(SignalsPostgreSqlOptions.SectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalsPostgreSqlOptions>, SignalsPostgreSqlOptionsValidator>());
        }

        if (configure is not null)
        {
            services.AddOptions<SignalsPostgreSqlOptions>(registration.OptionsName).Configure(configure);
        }

        return builder;
    }
}
