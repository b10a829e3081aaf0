namespace Signals.EntityFrameworkCore;

/// <summary>What a provider gives a dispatcher: the source it reads from and the ways instances wake each other.</summary>
/// <param name="Source">The source of committed outbox rows.</param>
/// <param name="Wakeups">
/// The provider's cross-instance wake-ups (PostgreSQL <c>LISTEN/NOTIFY</c>); none for a provider that only polls. The dispatcher runs
/// them beside its read loop, together with the wake-ups added to the registration (Redis).
/// </param>
internal sealed record OutboxReader(IOutboxSource Source, IReadOnlyList<IOutboxWakeupTransport> Wakeups);
