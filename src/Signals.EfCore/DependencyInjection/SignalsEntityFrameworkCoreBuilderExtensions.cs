using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Signals;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods that add the Signals EF Core outbox dispatcher to an <see cref="ISignalsBuilder"/>.</summary>
public static class SignalsEntityFrameworkCoreBuilderExtensions
{
    /// <summary>
    /// Adds a hosted dispatcher that moves committed outbox rows of <typeparamref name="TContext"/> into this instance's
    /// <see cref="SignalHub"/>, and lets the <see cref="SignalsSaveChangesInterceptor"/> wake it after local saves.
    /// </summary>
    /// <typeparam name="TContext">
    /// The application's context type: registered with <c>AddDbContext</c> (or <c>AddDbContextFactory</c>), configured with
    /// <c>UseSignals()</c>, and mapping the outbox with <c>modelBuilder.AddSignalsOutbox()</c>.
    /// </typeparam>
    /// <param name="builder">The Signals builder returned by <c>AddSignals()</c>.</param>
    /// <param name="configure">Configures the dispatcher's options; runs after the defaults.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// <para>
    /// The dispatcher is chosen when it starts, from the context's provider: PostgreSQL (Npgsql) gets the <c>LISTEN/NOTIFY</c>
    /// dispatcher — gap-safe reads by transaction id, a dedicated listening connection, a post-commit <c>pg_notify</c> wake-up and a
    /// safety poll (only the polling when <see cref="SignalsOutboxOptions.UsePollingDispatcher"/> is set); any other provider gets the
    /// polling dispatcher, which reads the outbox through EF Core. On PostgreSQL the dispatcher connects with the context's connection
    /// string (<c>Database.GetConnectionString()</c>). Every dispatcher also runs the outbox retention
    /// (<see cref="SignalsOutboxOptions.RetentionPeriod"/>), and Redis wake-ups when <see cref="SignalsOutboxOptions.RedisConfiguration"/>
    /// is set.
    /// </para>
    /// <para>
    /// The first call also makes <see cref="ISignalValueStore"/> and <see cref="ISignalStore"/> resolve to the EF Core stores of
    /// <typeparamref name="TContext"/> (values in <c>signals_values</c>, every change an outbox row), replacing the in-memory stores of
    /// <c>AddSignals()</c>; register another store after this call to use it instead. Add the health check with
    /// <c>services.AddHealthChecks().AddSignalsDispatcher()</c>.
    /// </para>
    /// <para>Idempotent per context type: calling it again only adds <paramref name="configure"/>. Options are validated at start-up.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsBuilder AddEntityFrameworkCoreOutbox<TContext>(this ISignalsBuilder builder, Action<SignalsOutboxOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        string name = OutboxOptionsName.For(typeof(TContext));
        if (configure is not null)
        {
            services.AddOptions<SignalsOutboxOptions>(name).Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(OutboxRegistration<TContext>)))
        {
            return builder;
        }

        services.AddSingleton<OutboxRegistration<TContext>>();
        services.AddOptions<SignalsOutboxOptions>(name)
            .Validate(static o => o.PollInterval is null || o.PollInterval > TimeSpan.Zero, "SignalsOutboxOptions.PollInterval must be positive.")
            .Validate(static o => o.BatchSize >= 1, "SignalsOutboxOptions.BatchSize must be at least 1.")
            .Validate(
                static o => !string.IsNullOrEmpty(o.NotificationChannel) && Encoding.UTF8.GetByteCount(o.NotificationChannel) <= 63,
                "SignalsOutboxOptions.NotificationChannel must be 1 to 63 bytes long.")
            .Validate(static o => o.KeepAliveInterval >= TimeSpan.FromSeconds(1), "SignalsOutboxOptions.KeepAliveInterval must be at least 1 second.")
            .Validate(static o => o.MaxRetryDelay > TimeSpan.Zero, "SignalsOutboxOptions.MaxRetryDelay must be positive.")
            .Validate(static o => o.GapTimeout > TimeSpan.Zero, "SignalsOutboxOptions.GapTimeout must be positive.")
            .Validate(
                static o => o.RetentionPeriod > TimeSpan.Zero || o.RetentionPeriod == Timeout.InfiniteTimeSpan,
                "SignalsOutboxOptions.RetentionPeriod must be positive, or Timeout.InfiniteTimeSpan to keep outbox rows forever.")
            .Validate(static o => o.CleanupInterval > TimeSpan.Zero, "SignalsOutboxOptions.CleanupInterval must be positive.")
            .Validate(static o => o.CleanupBatchSize >= 1, "SignalsOutboxOptions.CleanupBatchSize must be at least 1.")
            .Validate(
                static o => o.RedisConfiguration is null || RedisWakeupRelay.IsValidConfiguration(o.RedisConfiguration),
                "SignalsOutboxOptions.RedisConfiguration must be null (no Redis) or a StackExchange.Redis configuration string naming at least one endpoint, such as \"localhost:6379\".")
            .ValidateOnStart();
        services.TryAddSingleton<OutboxSignalerRegistry>();
        services.AddSingleton(new OutboxSignaler(typeof(TContext)));
        services.AddSingleton<OutboxDispatcher<TContext>>();
        services.AddHostedService(static sp => sp.GetRequiredService<OutboxDispatcher<TContext>>());
        services.AddSingleton(static sp => sp.GetRequiredService<OutboxDispatcher<TContext>>().Status);
        if (!services.Any(static d => d.ServiceType == typeof(StoreRegistration)))
        {
            // The in-memory stores AddSignals() registers number versions on their own, which collide with outbox ids: replace them.
            services.AddSingleton<StoreRegistration>();
            services.AddSingleton<EfCoreSignalStore<TContext>>();
            services.Replace(ServiceDescriptor.Singleton<ISignalValueStore>(static sp => sp.GetRequiredService<EfCoreSignalStore<TContext>>()));
            services.Replace(ServiceDescriptor.Singleton<ISignalStore>(static sp => sp.GetRequiredService<EfCoreSignalStore<TContext>>()));
        }

        return builder;
    }

    /// <summary>Marks that the outbox of <typeparamref name="TContext"/> is registered.</summary>
    /// <typeparam name="TContext">The context type.</typeparam>
    private sealed class OutboxRegistration<TContext>;

    /// <summary>Marks that the EF Core stores are registered (for the first context type).</summary>
    private sealed class StoreRegistration;
}
