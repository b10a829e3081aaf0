using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore;

/// <summary>What a provider needs to open a dispatcher's reader (see <see cref="OutboxProvider.OpenReader"/>).</summary>
/// <param name="ContextType">The dispatcher's context type.</param>
/// <param name="OptionsName">The name of the context type's named options (its full name): a provider reads its own options under it.</param>
/// <param name="Services">The application's services, where the provider resolves its own options.</param>
/// <param name="LeaseContextAsync">Creates a context of the dispatcher's type for background work (a polling read, a cleanup).</param>
/// <param name="Signaler">This application's link between saves and the dispatcher: the doorbell to ring, the wake-ups to open.</param>
/// <param name="Status">The dispatcher's status, where wake-ups report whether they are connected.</param>
/// <param name="Time">The clock.</param>
/// <param name="Logger">The dispatcher's logger.</param>
/// <param name="MaxRetryDelay">The longest wait between attempts after a failure (<see cref="SignalsOutboxOptions.MaxRetryDelay"/>).</param>
/// <param name="BatchSize">The most rows a polling read takes per query (<see cref="SignalsOutboxOptions.BatchSize"/>).</param>
/// <param name="GapTimeout">How long a polling read waits for a missing id (<see cref="SignalsOutboxOptions.GapTimeout"/>).</param>
internal sealed record OutboxReaderSettings(
    Type ContextType,
    string OptionsName,
    IServiceProvider Services,
    Func<CancellationToken, Task<ContextLease>> LeaseContextAsync,
    OutboxSignaler Signaler,
    OutboxDispatcherStatus Status,
    TimeProvider Time,
    ILogger Logger,
    TimeSpan MaxRetryDelay,
    int BatchSize,
    TimeSpan GapTimeout);
