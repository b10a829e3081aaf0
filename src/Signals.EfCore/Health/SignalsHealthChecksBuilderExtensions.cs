using Microsoft.Extensions.Diagnostics.HealthChecks;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Extension methods that add the Signals dispatcher health check to an <see cref="IHealthChecksBuilder"/>.</summary>
public static class SignalsHealthChecksBuilderExtensions
{
    /// <summary>The default name of the check: <c>signals-dispatcher</c>.</summary>
    public const string DefaultName = "signals-dispatcher";

    /// <summary>
    /// Adds a health check that reports whether every Signals outbox dispatcher (one per <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>)
    /// is keeping up: <paramref name="failureStatus"/> while one has not loaded yet, its last read failed, a read runs too long, or its
    /// PostgreSQL listener is disconnected; healthy otherwise.
    /// </summary>
    /// <param name="builder">The builder returned by <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name; <see cref="DefaultName"/> when <see langword="null"/>.</param>
    /// <param name="failureStatus">The status reported when a dispatcher is behind or disconnected; <see cref="HealthStatus.Degraded"/> when <see langword="null"/>.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>ready</c>).</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// The dispatchers recover by themselves (reconnect with back-off, then catch up from the outbox), so the default failure status is
    /// <see cref="HealthStatus.Degraded"/>: changes are delayed, not lost. A database without the Signals tables is reported
    /// <see cref="HealthStatus.Unhealthy"/> whatever <paramref name="failureStatus"/> is, with a message that says how to create them.
    /// Map it with ASP.NET Core's <c>app.MapHealthChecks("/health")</c>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddSignalsDispatcher(
        this IHealthChecksBuilder builder, string? name = null, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name ?? DefaultName,
            static services => new SignalsDispatcherHealthCheck(services.GetServices<OutboxDispatcherStatus>()),
            failureStatus ?? HealthStatus.Degraded,
            tags));
    }
}
