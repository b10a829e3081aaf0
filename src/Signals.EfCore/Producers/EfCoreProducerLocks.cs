using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Signals;

namespace Signals.EntityFrameworkCore;

/// <summary>Opens the producer locks of the outbox's provider (<see cref="OutboxProvider.OpenProducerLocks"/>) for the app's producers.</summary>
internal static class EfCoreProducerLocks
{
    /// <summary>Opens the locks of the provider of <typeparamref name="TContext"/>'s options, or in-process locks when it has none.</summary>
    /// <typeparam name="TContext">The outbox's context type.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <returns>The locks.</returns>
    public static ProducerLocks Open<TContext>(IServiceProvider services)
        where TContext : DbContext
    {
        using IServiceScope scope = services.GetRequiredService<IServiceScopeFactory>().CreateScope();
        IDbContextFactory<TContext>? factory = scope.ServiceProvider.GetService<IDbContextFactory<TContext>>();
        DbContext context = factory?.CreateDbContext() ?? scope.ServiceProvider.GetRequiredService<TContext>();
        try
        {
            ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Signals.EntityFrameworkCore.ProducerLocks");
            return SignalsOptionsExtension.ProviderOf(context).OpenProducerLocks(context, logger) ?? new InProcessProducerLocks();
        }
        finally
        {
            if (factory is not null)
            {
                context.Dispose();
            }
        }
    }
}
