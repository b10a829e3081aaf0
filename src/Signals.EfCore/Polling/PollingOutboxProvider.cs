using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The provider-neutral <see cref="OutboxProvider"/>, used unless a provider package is selected: tracked outbox rows
/// (<see cref="TrackedOutboxAppender"/>), LINQ polling (<see cref="EfCoreOutboxSource"/>, no wake-ups of its own), and values with EF
/// Core LINQ: <see cref="RelationalValueCommands"/> (a transaction per write, optimistic concurrency) on relational providers,
/// <see cref="ChangeTrackerValueCommands"/> (one writer at a time in the process) on the in-memory provider.
/// </summary>
internal sealed class PollingOutboxProvider : OutboxProvider
{
    private readonly ChangeTrackerValueCommands _inProcess = new();
    private readonly RelationalValueCommands _relational = new();

    private PollingOutboxProvider()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static PollingOutboxProvider Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "EF Core";

    /// <inheritdoc/>
    public override void ApplyServices(IServiceCollection services) => TrackedOutboxAppender.AddTo(services, this);

    /// <inheritdoc/>
    public override OutboxReader OpenReader(DbContext context, OutboxReaderSettings settings)
        => new(new EfCoreOutboxSource(settings.LeaseContextAsync, settings.BatchSize, settings.GapTimeout, settings.Time), []);

    /// <inheritdoc/>
    public override IValueCommands GetValueCommands(DbContext context)
        => ContextFacts.Of(context).IsRelational ? _relational : _inProcess;
}
