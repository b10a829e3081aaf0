using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The provider-neutral <see cref="OutboxProvider"/>, used unless a provider package is selected: tracked outbox rows
/// (<see cref="TrackedOutboxAppender"/>), LINQ polling (<see cref="EfCoreOutboxSource"/>, no wake-ups of its own), and in-process
/// values on non-relational providers (<see cref="ChangeTrackerValueCommands"/>).
/// </summary>
internal sealed class PollingOutboxProvider : OutboxProvider
{
    private readonly ChangeTrackerValueCommands _inProcess = new();

    private PollingOutboxProvider()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static PollingOutboxProvider Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "EF Core";

    /// <inheritdoc/>
    public override void ApplyServices(IServiceCollection services) => services.TryAddScoped<IOutboxAppender, TrackedOutboxAppender>();

    /// <inheritdoc/>
    public override OutboxReader OpenReader(DbContext context, OutboxReaderSettings settings)
        => new(new EfCoreOutboxSource(settings.LeaseContextAsync, settings.BatchSize, settings.GapTimeout, settings.Time), []);

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The provider is relational: values need a provider package's commands.</exception>
    public override IValueCommands GetValueCommands(DbContext context)
        => context.Database.IsRelational()
            ? throw new NotSupportedException(
                $"The EF Core value store supports PostgreSQL (Signals.EntityFrameworkCore.PostgreSql, UsePostgreSql()) and the in-memory " +
                $"provider, not '{context.Database.ProviderName}'. Register another ISignalValueStore after AddEntityFrameworkCoreOutbox().")
            : _inProcess;
}
