using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Reports whether every Signals outbox dispatcher of the app is keeping up: registered by
/// <c>services.AddHealthChecks().AddSignalsDispatcher()</c>.
/// </summary>
/// <remarks>
/// <para>
/// A dispatcher is reported with the registration's failure status (<see cref="HealthStatus.Degraded"/> by default) while it has not
/// loaded the outbox yet, while its last read failed, while a read has been running longer than <see cref="BehindAfter"/> (it is
/// behind), or while its provider's own wake-up (the PostgreSQL listener) is disconnected (changes from other instances then wait for
/// the safety poll). Otherwise
/// it is healthy. Degraded means delayed, not lost: the dispatchers catch up from the outbox when the cause goes away.
/// </para>
/// <para>
/// A database without the Signals schema (a missing table, column or sequence) is <see cref="HealthStatus.Unhealthy"/> whatever the
/// registration's failure status: nothing is delivered until someone creates it, and the message says how (<c>EnsureCreated()</c>, a
/// migration, or the provider's schema script). The dispatcher retries and recovers by itself once the schema exists.
/// </para>
/// <para>
/// The report's data holds, per context type, the dispatcher kind, whether each wake-up is connected (<c>listening</c> for the
/// PostgreSQL listener, <c>redis</c> for Redis wake-ups; a Redis outage alone is not a failure: the safety poll and <c>NOTIFY</c> still
/// deliver), and when it last read.
/// </para>
/// </remarks>
/// <param name="statuses">The status of every registered dispatcher.</param>
internal sealed class SignalsDispatcherHealthCheck(IEnumerable<OutboxDispatcherStatus> statuses) : IHealthCheck
{
    /// <summary>How long a read may run before the dispatcher counts as behind: 10 seconds.</summary>
    public static readonly TimeSpan BehindAfter = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        Exception? exception = null;
        bool schemaMissing = false;
        foreach (OutboxDispatcherStatus status in statuses)
        {
            OutboxDispatcherStatus.Snapshot s = status.Read();
            data[$"{s.Context}.dispatcher"] = s.Kind;
            foreach (OutboxDispatcherStatus.WakeupSnapshot wakeup in s.Wakeups)
            {
                data[$"{s.Context}.{wakeup.Name}"] = wakeup.Connected;
            }

            if (s.LastReadAt is { } lastRead)
            {
                data[$"{s.Context}.lastReadAt"] = lastRead;
            }

            if (s.SchemaFixes is { } fixes)
            {
                schemaMissing = true;
                problems.Add($"{s.Context}: the database lacks the Signals schema ({s.ReadError?.GetBaseException().Message}). Create it: {fixes}. " +
                    "The Signals endpoints answer 503 until then; the dispatcher recovers by itself.");
                exception ??= s.ReadError;
            }
            else if (s.ReadError is { } readError)
            {
                problems.Add($"{s.Context}: reading the outbox failed ({readError.Message}); retrying.");
                exception ??= readError;
            }
            else if (!s.Loaded)
            {
                problems.Add($"{s.Context}: the dispatcher has not loaded the outbox yet.");
            }

            if (s.ReadStartedAt is { } started && s.Now - started > BehindAfter)
            {
                problems.Add($"{s.Context}: a read of the outbox has been running for {(s.Now - started).TotalSeconds:0} s; the dispatcher is behind.");
            }

            foreach (OutboxDispatcherStatus.WakeupSnapshot wakeup in s.Wakeups)
            {
                if (wakeup.Required && !wakeup.Connected)
                {
                    problems.Add($"{s.Context}: {wakeup.Description} is disconnected{(wakeup.Error is { } e ? $" ({e.Message})" : string.Empty)}; " +
                        "changes from other instances wait for the safety poll until it reconnects.");
                    exception ??= wakeup.Error;
                }
            }
        }

        if (data.Count == 0)
        {
            return Task.FromResult(new HealthCheckResult(
                context.Registration.FailureStatus,
                "No Signals outbox dispatcher is registered: call AddSignals().AddEntityFrameworkCoreOutbox<TContext>()."));
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("Every Signals outbox dispatcher is keeping up.", data)
            : new HealthCheckResult(
                schemaMissing ? HealthStatus.Unhealthy : context.Registration.FailureStatus, string.Join(' ', problems), exception, data));
    }
}
