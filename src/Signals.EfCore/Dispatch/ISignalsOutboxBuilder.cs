using Microsoft.Extensions.DependencyInjection;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Configures the outbox dispatcher of one context type; returned by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c> so provider
/// packages can chain their registrations (<c>.UsePostgreSql()</c>, <c>.AddRedis()</c>), the way <c>AddSignalR().AddStackExchangeRedis()</c> does.
/// </summary>
public interface ISignalsOutboxBuilder
{
    /// <summary>Gets the service collection the outbox is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>Gets the context type whose outbox this builder configures.</summary>
    Type ContextType { get; }
}
