using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The EF Core options extension <c>UseSignals()</c> adds: it registers the Signals interceptors and the provider's services in EF
/// Core's internal service provider (<see cref="ApplyServices"/>), the way EF Core's own plugins (proxies, NetTopologySuite) hook in,
/// and carries this application's link to its dispatcher as data.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Provider"/> shapes the internal service provider (it is part of <see cref="DbContextOptionsExtensionInfo.GetServiceProviderHashCode"/>);
/// <see cref="Signaler"/> is not: it differs per application (tests start many in one process), and contexts of every application
/// share one internal service provider per provider, so EF Core does not build one per application.
/// </para>
/// <para>Immutable: the <c>With…</c> methods return a changed copy, as EF Core requires of options extensions.</para>
/// </remarks>
internal sealed class SignalsOptionsExtension : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    /// <summary>Initializes a new instance with the neutral provider and no dispatcher link.</summary>
    public SignalsOptionsExtension()
        : this(PollingOutboxProvider.Instance, signaler: null, namespaces: null)
    {
    }

    private SignalsOptionsExtension(OutboxProvider provider, OutboxSignaler? signaler, ContextNamespaces? namespaces)
    {
        Provider = provider;
        Signaler = signaler;
        Namespaces = namespaces;
    }

    /// <summary>Gets the provider that appends a save's rows (and supplies the dispatcher's reader and the value commands).</summary>
    public OutboxProvider Provider { get; }

    /// <summary>
    /// Gets the link to this application's dispatcher of the context type, set by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>;
    /// <see langword="null"/> for a context configured outside it (nobody is woken; the safety poll delivers).
    /// </summary>
    public OutboxSignaler? Signaler { get; }

    /// <summary>
    /// Gets the application's mapped namespaces as this context sees them, set by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c> (or
    /// <c>UseEntityFrameworkCore&lt;TContext&gt;()</c>) when it maps any
    /// (data, like <see cref="Signaler"/>); <see langword="null"/> when none is mapped.
    /// </summary>
    public ContextNamespaces? Namespaces { get; }

    /// <inheritdoc/>
    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    /// <summary>Gets the provider a context's options chose: the neutral one when they have no Signals extension or chose none.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The provider.</returns>
    public static OutboxProvider ProviderOf(DbContext context)
        => context.GetService<IDbContextOptions>().FindExtension<SignalsOptionsExtension>()?.Provider ?? PollingOutboxProvider.Instance;

    /// <summary>Returns a copy that uses another provider.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>The copy.</returns>
    public SignalsOptionsExtension WithProvider(OutboxProvider provider) => new(provider, Signaler, Namespaces);

    /// <summary>Returns a copy that wakes another dispatcher after commits.</summary>
    /// <param name="signaler">The dispatcher's signaler.</param>
    /// <returns>The copy.</returns>
    public SignalsOptionsExtension WithSignaler(OutboxSignaler? signaler) => new(Provider, signaler, Namespaces);

    /// <summary>Returns a copy that knows the application's mapped namespaces.</summary>
    /// <param name="namespaces">The namespaces as this context sees them; <see langword="null"/> for none.</param>
    /// <returns>The copy.</returns>
    public SignalsOptionsExtension WithNamespaces(ContextNamespaces? namespaces) => new(Provider, Signaler, namespaces);

    /// <inheritdoc/>
    public void ApplyServices(IServiceCollection services)
    {
        // Scoped: one of each per context (kept with a pooled context), so per-save state needs no table keyed by context.
        services.TryAddScoped<OutboxSave>();
        services.TryAddScoped(static sp => new OutboxCommitWaker(sp.GetRequiredService<IDbContextOptions>().FindExtension<SignalsOptionsExtension>()?.Signaler));
        services.TryAddScoped(static sp => new SignalsSaveChangesInterceptor(
            sp.GetRequiredService<OutboxSave>(),
            sp.GetRequiredService<IOutboxAppender>(),
            sp.GetRequiredService<OutboxCommitWaker>(),
            sp.GetRequiredService<IDbContextOptions>().FindExtension<SignalsOptionsExtension>()?.Namespaces));
        new EntityFrameworkServicesBuilder(services)
            .TryAdd(typeof(IInterceptor), typeof(SignalsSaveChangesInterceptor), static sp => sp.GetRequiredService<SignalsSaveChangesInterceptor>())
            .TryAdd(typeof(IInterceptor), typeof(OutboxCommitWaker), static sp => sp.GetRequiredService<OutboxCommitWaker>())
            .TryAdd<IConventionSetPlugin, CaptureConventionSetPlugin>();

        // Capture triggers come and go with migrations: EF Core's differ, decorated. Replace works whether the database provider's
        // services (which TryAdd the differ) were added before or after these.
        CaptureDialect? capture = Provider.Capture;
        services.Replace(ServiceDescriptor.Scoped<IMigrationsModelDiffer>(sp => new CaptureModelDiffer(CreateEfCoreDiffer(sp), capture)));
        Provider.ApplyServices(services);
    }

    /// <inheritdoc/>
#pragma warning disable EF1001 // MigrationsModelDiffer is EF Core's public-but-internal differ: constructed, never subclassed.
    private static MigrationsModelDiffer CreateEfCoreDiffer(IServiceProvider services)
        => ActivatorUtilities.CreateInstance<MigrationsModelDiffer>(services);
#pragma warning restore EF1001

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(SignalsOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private new SignalsOptionsExtension Extension => (SignalsOptionsExtension)base.Extension;

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => $"using Signals ({Extension.Provider.Name}) ";

        public override int GetServiceProviderHashCode() => Extension.Provider.GetType().GetHashCode();

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other)
            => other is ExtensionInfo info && info.Extension.Provider.GetType() == Extension.Provider.GetType();

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            => debugInfo["Signals:Provider"] = Extension.Provider.GetType().GetHashCode().ToString(CultureInfo.InvariantCulture);
    }
}
