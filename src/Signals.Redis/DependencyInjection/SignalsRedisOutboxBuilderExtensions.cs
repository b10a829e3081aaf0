using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Signals.EntityFrameworkCore;
using Signals.Redis;

// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods that add Redis wake-ups to a Signals outbox.</summary>
public static class SignalsRedisOutboxBuilderExtensions
{
    /// <summary>
    /// Adds Redis pub/sub wake-ups to the outbox's dispatcher: each instance publishes one message per burst of local commits on
    /// <see cref="SignalsRedisOptions.Channel"/> and reads the outbox as soon as another instance's message arrives.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>.</param>
    /// <param name="configure">
    /// Configures the options, after the defaults and the <c>Signals:Redis</c> configuration section; <see cref="SignalsRedisOptions.Configuration"/>
    /// is required (from one or the other).
    /// </param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// <para>
    /// For the polling dispatchers (the neutral provider, or PostgreSQL with <c>UsePollingDispatcher</c>) that makes cross-instance
    /// delivery as prompt as <c>LISTEN/NOTIFY</c>, and their default poll becomes the 1-second safety poll; beside <c>LISTEN/NOTIFY</c> it
    /// is a second, independent wake-up path. Redis is only a hint: the outbox stays the truth, and saves never wait for Redis.
    /// </para>
    /// <para>Idempotent per context type: calling it again only adds <paramref name="configure"/>. Options are validated at start-up.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsOutboxBuilder AddRedis(this ISignalsOutboxBuilder builder, Action<SignalsRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        OutboxRegistration registration = OutboxRegistration.Of(builder);
        IServiceCollection services = builder.Services;
        string name = registration.OptionsName;
        if (!registration.Wakeups.Contains(CreateRelay))
        {
            registration.Wakeups.Add(CreateRelay);
            services.AddOptions<SignalsRedisOptions>(name).BindConfiguration(SignalsRedisOptions.SectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalsRedisOptions>, SignalsRedisOptionsValidator>());
        }

        if (configure is not null)
        {
            services.AddOptions<SignalsRedisOptions>(name).Configure(configure);
        }

        return builder;
    }

    /// <summary>Adds Redis pub/sub wake-ups to the outbox's dispatcher (see <see cref="AddRedis(ISignalsOutboxBuilder, Action{SignalsRedisOptions})"/>).</summary>
    /// <param name="builder">The builder returned by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string, such as <c>localhost:6379</c>.</param>
    /// <param name="configure">Configures the other options.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ISignalsOutboxBuilder AddRedis(this ISignalsOutboxBuilder builder, string configuration, Action<SignalsRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddRedis(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }

    private static IOutboxWakeupTransport CreateRelay(OutboxReaderSettings settings)
    {
        SignalsRedisOptions options = settings.Services.GetRequiredService<IOptionsMonitor<SignalsRedisOptions>>().Get(settings.OptionsName);
        return new RedisWakeupRelay(
            options.Configuration!,
            options.Channel,
            settings.MaxRetryDelay,
            settings.Signaler,
            settings.Status,
            settings.Logger);
    }
}
