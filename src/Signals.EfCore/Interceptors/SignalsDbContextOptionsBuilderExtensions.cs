using Microsoft.EntityFrameworkCore.Infrastructure;
using Signals.EntityFrameworkCore;

// ReSharper disable once CheckNamespace
namespace Microsoft.EntityFrameworkCore;

/// <summary>Extension methods that turn on Signals for a <see cref="DbContext"/>.</summary>
public static class SignalsDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="SignalsSaveChangesInterceptor"/>, so every save records a version bump for each affected signal key in
    /// the outbox (mapped with <see cref="SignalsModelBuilderExtensions.AddSignalsOutbox"/>), in the same transaction as the data.
    /// </summary>
    /// <param name="optionsBuilder">The options builder of the context.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// Idempotent: calling it again does not add the interceptor twice. EF Core runs interceptors in the order they were added, so
    /// call it after adding interceptors that change entities while saving (audit stamps and the like), or their changes are not seen.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="optionsBuilder"/> is <see langword="null"/>.</exception>
    public static DbContextOptionsBuilder UseSignals(this DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        IEnumerable<Diagnostics.IInterceptor>? interceptors = optionsBuilder.Options.FindExtension<CoreOptionsExtension>()?.Interceptors;
        if (interceptors is null || !interceptors.Contains(SignalsSaveChangesInterceptor.Instance))
        {
            optionsBuilder.AddInterceptors(SignalsSaveChangesInterceptor.Instance);
        }

        return optionsBuilder;
    }

    /// <summary>
    /// Adds the <see cref="SignalsSaveChangesInterceptor"/>, so every save records a version bump for each affected signal key in
    /// the outbox (mapped with <see cref="SignalsModelBuilderExtensions.AddSignalsOutbox"/>), in the same transaction as the data.
    /// </summary>
    /// <typeparam name="TContext">The type of the context.</typeparam>
    /// <param name="optionsBuilder">The options builder of the context.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>
    /// Idempotent: calling it again does not add the interceptor twice. EF Core runs interceptors in the order they were added, so
    /// call it after adding interceptors that change entities while saving (audit stamps and the like), or their changes are not seen.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="optionsBuilder"/> is <see langword="null"/>.</exception>
    public static DbContextOptionsBuilder<TContext> UseSignals<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseSignals((DbContextOptionsBuilder)optionsBuilder);
}
