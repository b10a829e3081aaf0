using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Signals.Chaos.Tests.Model;

namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// One app instance as a user would write it: <c>AddDbContext(...UseNpgsql())</c> (or <c>UseSqlite</c>), <c>AddSignals()</c>,
/// <c>AddEntityFrameworkCoreOutbox&lt;ChaosDbContext&gt;().UsePostgreSql()</c> (or <c>.UseSqlite()</c>) and <c>MapSignals()</c>, on real
/// Kestrel bound to a free loopback port.
/// </summary>
internal sealed class ChaosInstance : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    /// <summary>
    /// The hub's cache bound: smaller than the keyspace (over 80 keys), so keys nobody watches on an instance (subscribers
    /// switch instances) and the cold keys the run's syncs ask for are evicted and read from the database again during the run.
    /// </summary>
    public const int MaxCachedKeys = 16;

    private ChaosInstance(string name, WebApplication app, Uri baseAddress)
    {
        Name = name;
        _app = app;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Gets the instance's name (its <c>Signals:InstanceId</c>).</summary>
    public string Name { get; }

    /// <summary>Gets a client for the instance's HTTP endpoints.</summary>
    public HttpClient Http { get; }

    /// <summary>Gets the instance's services; writers take a scoped context from them, as a request would.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an instance on the database.</summary>
    /// <param name="name">The instance name.</param>
    /// <param name="database">The shared database.</param>
    /// <param name="log">Counts what the instance logs.</param>
    /// <param name="cache">Counts what the instance's hub evicts.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The started instance.</returns>
    public static async Task<ChaosInstance> StartAsync(string name, ChaosDatabase database, LogCounter log, CacheCounter cache, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[$"{SignalHubOptions.SectionName}:{nameof(SignalHubOptions.MaxCachedKeys)}"] = MaxCachedKeys.ToString(CultureInfo.InvariantCulture);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(log);
        builder.Services.AddDbContext<ChaosDbContext>(database.ConfigureContext);
        database.UseProvider(builder.Services.AddSignals(o => o.InstanceId = name).AddHttpEndpoints().AddEntityFrameworkCoreOutbox<ChaosDbContext>());

        WebApplication app = builder.Build();
        app.Services.GetRequiredService<SignalHub>();
        IDisposable evictions = cache.Listen(app.Services.GetRequiredService<IMeterFactory>());
        app.Lifetime.ApplicationStopped.Register(evictions.Dispose);
        app.MapSignals("/signals");
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ChaosInstance(name, app, new Uri(address));
    }

    /// <summary>Stops the instance (open event streams end) and releases it.</summary>
    /// <returns>A task that completes when the instance is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
        Http.Dispose();
    }
}
