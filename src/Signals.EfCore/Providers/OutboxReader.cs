namespace Signals.EntityFrameworkCore;

/// <summary>
/// What a provider gives a dispatcher: the source it reads from, the ways instances wake each other, and the consumer of captured changes
/// that arrive outside the writers' transactions.
/// </summary>
/// <param name="Source">The source of committed outbox rows.</param>
/// <param name="Wakeups">
/// The provider's cross-instance wake-ups (PostgreSQL <c>LISTEN/NOTIFY</c>); none for a provider that only polls. The dispatcher runs
/// them beside its read loop, together with the wake-ups added to the registration (Redis).
/// </param>
/// <param name="Capture">
/// The consumer of the changes captured by logical replication (<see cref="SignalCaptureMechanism.LogicalReplication"/>), or
/// <see langword="null"/> when the model captures nothing that way. The dispatcher runs it beside its read loop.
/// </param>
internal sealed record OutboxReader(IOutboxSource Source, IReadOnlyList<IOutboxWakeupTransport> Wakeups, ICaptureConsumer? Capture = null);
