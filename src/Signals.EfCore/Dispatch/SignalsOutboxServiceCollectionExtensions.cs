using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signals;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods that add the Signals EF Core outbox dispatcher to an <see cref="ISignalsBuilder"/>.</summary>
public static class SignalsOutboxServiceCollectionExtensions
{
    /// <summary>
    /// Turns on Signals for <typeparamref name="TContext"/> and adds a hosted dispatcher that moves its committed outbox rows into this
    /// instance's <see cref="SignalHub"/>, woken after every local commit.
    /// </summary>
    /// <typeparam name="TContext">
    /// The application's context type: registered with <c>AddDbContext</c> (or a context factory or pool), and mapping the outbox with
    /// <c>modelBuilder.AddSignalsOutbox()</c>.
    /// </typeparam>
    /// <param name="builder">The Signals builder returned by <c>AddSignals()</c>.</param>
    /// <param name="configure">Configures the dispatcher's options; runs after the defaults and the <c>Signals:Outbox</c> configuration section.</param>
    /// <returns>A builder to choose the provider with (<c>.UsePostgreSql()</c>) and to add wake-ups (<c>.AddRedis()</c>).</returns>
    /// <remarks>
    /// <para>
    /// It configures the options of <typeparamref name="TContext"/> (EF Core's <c>ConfigureDbContext</c>) with <c>UseSignals()</c> and
    /// the provider chosen on the returned builder, and links them to this application's dispatcher, so calling <c>UseSignals()</c> in
    /// <c>AddDbContext</c> is optional. Without a provider package the outbox rows are tracked entities of each save and the dispatcher
    /// polls the outbox through EF Core (every <see cref="SignalsOutboxOptions.PollInterval"/>), which works on any provider; reference
    /// <c>Signals.EntityFrameworkCore.PostgreSql</c> and call <c>.UsePostgreSql()</c> for PostgreSQL's <c>LISTEN/NOTIFY</c> dispatcher, or
    /// <c>Signals.EntityFrameworkCore.Sqlite</c> and <c>.UseSqlite()</c> on SQLite.
    /// Every dispatcher also runs the outbox retention (<see cref="SignalsOutboxOptions.RetentionPeriod"/>).
    /// </para>
    /// <para>
    /// The first call also makes <see cref="ISignalValueStore"/> and <see cref="ISignalStore"/> resolve to the EF Core stores of
    /// <typeparamref name="TContext"/> (values in <c>signals_values</c>, every change an outbox row), replacing the in-memory stores of
    /// <c>AddSignals()</c>; register another store after this call to use it instead. Add the health check with
    /// <c>services.AddHealthChecks().AddSignalsDispatcher()</c>.
    /// </para>
    /// <para>
    /// The first call also starts the mesh heartbeat: the instance records itself in <c>signals_instances</c> every
    /// <see cref="SignalsMeshOptions.HeartbeatInterval"/> and lists the other live instances in <see cref="SignalMesh"/> (sync answers'
    /// <c>mesh.peers</c>, <c>GET {prefix}/mesh</c>); options from <c>Signals:Mesh</c>, validated at start-up.
    /// </para>
    /// <para>Idempotent per context type: calling it again only adds <paramref name="configure"/>. Options are validated at start-up.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISignalsOutboxBuilder AddEntityFrameworkCoreOutbox<TContext>(this ISignalsBuilder builder, Action<SignalsOutboxOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOutbox<TContext>(builder.Services, line: null, configure).IsAppOutbox = true;
        return BuilderFor(builder.Services, typeof(TContext));
    }

    /// <summary>Gets the builder of a registered outbox, to choose its provider and add wake-ups.</summary>
    internal static ISignalsOutboxBuilder BuilderFor(IServiceCollection services, Type contextType) => new SignalsOutboxBuilder(services, contextType);

    /// <summary>
    /// Registers the outbox of <typeparamref name="TContext"/> once (its dispatcher, version source and stores), on the app's version line
    /// or on a namespace's (<paramref name="line"/>), and adds <paramref name="configure"/>.
    /// </summary>
    /// <returns>The context type's registration.</returns>
    internal static OutboxRegistration AddOutbox<TContext>(IServiceCollection services, string? line, Action<SignalsOutboxOptions>? configure)
        where TContext : DbContext
    {
        OutboxRegistration? registration = OutboxRegistration.Find(services, typeof(TContext));
        if (registration is null)
        {
            registration = new OutboxRegistration(typeof(TContext)) { Namespace = line };
            Register<TContext>(services, registration);
        }
        else if (line is not null)
        {
            // Already the app's outbox, or another namespace's: start-up fails (NamespaceOutboxValidator, SignalNamespacesOptionsValidator).
            registration.Namespace ??= line;
        }

        if (configure is not null)
        {
            services.AddOptions<SignalsOutboxOptions>(registration.OptionsName).Configure(configure);
        }

        return registration;
    }

    private static void Register<TContext>(IServiceCollection services, OutboxRegistration registration)
        where TContext : DbContext
    {
        services.AddKeyedSingleton<OutboxRegistration>(typeof(TContext), registration);
        services.AddSingleton(registration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalNamespacesOptions>, NamespaceOutboxValidator>());
        services.AddKeyedSingleton<OutboxSignaler>(typeof(TContext), registration.Signaler);
        services.AddOptions<SignalsOutboxOptions>(registration.OptionsName).BindConfiguration(SignalsOutboxOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalsOutboxOptions>, SignalsOutboxOptionsValidator>());

        // The context's options get Signals, the provider chosen on the builder, and the link to this application's dispatcher.
        services.ConfigureDbContext<TContext>(
            (sp, options) => options.UseSignals(signals =>
            {
                if (registration.Provider is { } provider)
                {
                    signals.UseProvider(provider);
                }

                signals.WakeAfterCommit(registration.Signaler);
                SignalNamespaces namespaces = sp.GetRequiredService<SignalNamespaces>();
                if (namespaces.HasOwnLines)
                {
                    // Which keys a save may stage in this context's outbox, and where InvalidateSignals sends instance-local keys.
                    InMemorySignalStore? local = namespaces.HasLocal ? sp.GetRequiredKeyedService<InMemorySignalStore>(SignalStoreRouter.LocalStoreKey) : null;
                    signals.UseNamespaces(new ContextNamespaces(namespaces, local, registration.Namespace, typeof(TContext)));
                }
            }),
            ServiceLifetime.Singleton);

        services.AddSingleton(static sp => new OutboxDispatcher<TContext>(
            sp,
            sp.GetRequiredKeyedService<OutboxRegistration>(typeof(TContext)),
            sp.GetRequiredService<SignalHub>(),
            sp.GetRequiredService<SignalSourceStatus>(),
            sp.GetRequiredService<IOptionsMonitor<SignalsOutboxOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<SignalsMetrics>(),
            sp.GetRequiredService<ILogger<OutboxDispatcher<TContext>>>()));
        services.AddHostedService(static sp => sp.GetRequiredService<OutboxDispatcher<TContext>>());

        services.AddSingleton(static sp => sp.GetRequiredService<OutboxDispatcher<TContext>>().Status);
        if (registration.Namespace is { } line)
        {
            RegisterNamespaceStores<TContext>(services, SignalNamespaces.ServiceKey(line));
            return;
        }

        // The hub holds only the keys watched or asked for recently, and reads the others here (one source per hub: the first context's).
        services.TryAddSingleton<ISignalVersionSource>(static sp => VersionSource<TContext>(sp));
        if (!services.Any(static d => d.ServiceType == typeof(StoreRegistration)))
        {
            // The in-memory stores AddSignals() registers number versions on their own, which collide with outbox ids: replace them.
            services.AddSingleton<StoreRegistration>();
            services.AddSingleton(static sp => Store<TContext>(sp));
            // Keys of namespaces mapped to a store of their own go there (SignalStoreRouter), the others to the outbox.
            services.Replace(ServiceDescriptor.Singleton(static sp => SignalStoreRouter.Values(sp, sp.GetRequiredService<EfCoreSignalStore<TContext>>())));
            services.Replace(ServiceDescriptor.Singleton(static sp => SignalStoreRouter.Store(sp, sp.GetRequiredService<EfCoreSignalStore<TContext>>())));

            // The mesh: this instance's heartbeat in signals_instances, and its view of the others (SignalMesh).
            services.AddOptions<SignalsMeshOptions>().BindConfiguration(SignalsMeshOptions.SectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalsMeshOptions>, SignalsMeshOptionsValidator>());
            services.AddHostedService<MeshHeartbeat<TContext>>();

            // Producers (AddSignalProducer) take the provider's locks, shared by every instance on the database.
            services.Replace(ServiceDescriptor.Singleton<ProducerLocks>(static sp => EfCoreProducerLocks.Open<TContext>(sp)));
        }
    }

    /// <summary>
    /// Registers what a namespace on <typeparamref name="TContext"/>'s database reads and writes through, under the namespace's service key:
    /// the hub's version source of its keys and its stores (<see cref="SignalStoreRouter"/> sends the namespace's keys there).
    /// </summary>
    private static void RegisterNamespaceStores<TContext>(IServiceCollection services, string serviceKey)
        where TContext : DbContext
    {
        services.AddKeyedSingleton<ISignalVersionSource>(serviceKey, static (sp, _) => VersionSource<TContext>(sp));
        services.AddKeyedSingleton(serviceKey, static (sp, _) => Store<TContext>(sp));
        services.AddKeyedSingleton<ISignalStore>(serviceKey, static (sp, key) => sp.GetRequiredKeyedService<EfCoreSignalStore<TContext>>(key));
        services.AddKeyedSingleton<ISignalValueStore>(serviceKey, static (sp, key) => sp.GetRequiredKeyedService<EfCoreSignalStore<TContext>>(key));
    }

    /// <summary>The hub's reads of the context's database.</summary>
    private static OutboxVersionSource<TContext> VersionSource<TContext>(IServiceProvider sp)
        where TContext : DbContext
        => new(
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredKeyedService<OutboxRegistration>(typeof(TContext)),
            sp.GetRequiredService<IOptionsMonitor<SignalsOutboxOptions>>());

    /// <summary>The EF Core stores of the context's database.</summary>
    private static EfCoreSignalStore<TContext> Store<TContext>(IServiceProvider sp)
        where TContext : DbContext
        => new(
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredKeyedService<OutboxSignaler>(typeof(TContext)),
            sp.GetRequiredService<SignalHub>(),
            sp.GetRequiredService<TimeProvider>());

    /// <summary>Marks that the EF Core stores are registered (for the first context type).</summary>
    private sealed class StoreRegistration;

    /// <summary>The builder <see cref="AddEntityFrameworkCoreOutbox{TContext}"/> returns.</summary>
    /// <param name="services">The services.</param>
    /// <param name="contextType">The context type.</param>
    private sealed class SignalsOutboxBuilder(IServiceCollection services, Type contextType) : ISignalsOutboxBuilder
    {
        public IServiceCollection Services { get; } = services;

        public Type ContextType { get; } = contextType;
    }
}
