using System.Globalization;
using System.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Signals.EntityFrameworkCore;
using Signals.EntityFrameworkCore.PostgreSql;
using Signals.LoadTests.Model;

namespace Signals.LoadTests.Hosting;

/// <summary>Builds the app instances the scenarios measure: real Kestrel on a free 127.0.0.1 port, quiet logging.</summary>
internal static class BenchApp
{
    /// <summary>Creates a builder for an app on <c>http://127.0.0.1:0</c> that logs only warnings.</summary>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder CreateBuilder()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    /// <summary>
    /// Adds Signals the way an app on PostgreSQL does: a pooled <see cref="BenchDbContext"/> factory on Npgsql, the hub and the
    /// outbox with <c>UsePostgreSql()</c> (which turns Signals on for the context and runs the <c>LISTEN/NOTIFY</c> dispatcher).
    /// </summary>
    /// <param name="builder">The app's builder.</param>
    /// <param name="connectionString">The database, created with <see cref="BenchDbContext.CreateSchemaAsync"/>.</param>
    /// <param name="instanceId">The instance's name (the <c>source</c> of sync entries).</param>
    /// <param name="outbox">Adds to the outbox's registration (e.g. the polling dispatcher woken by Redis); <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder AddSignalsOnPostgres(
        this WebApplicationBuilder builder, string connectionString, string instanceId, Action<ISignalsOutboxBuilder>? outbox = null)
        => builder.AddSignalsOnPostgres<BenchDbContext>(connectionString, instanceId, outbox);

    /// <summary>
    /// Adds Signals as <see cref="AddSignalsOnPostgres(WebApplicationBuilder, string, string, Action{ISignalsOutboxBuilder}?)"/> does, on a
    /// context type of the caller's choice (e.g. <see cref="ReplicatedBenchDbContext"/>, whose dispatcher also reads the capture's
    /// replication slot).
    /// </summary>
    /// <typeparam name="TContext">The context type: the pooled factory's and the outbox's.</typeparam>
    /// <param name="builder">The app's builder.</param>
    /// <param name="connectionString">The database, created with <see cref="BenchDbContext.CreateSchemaAsync"/> for that context's model.</param>
    /// <param name="instanceId">The instance's name (the <c>source</c> of sync entries).</param>
    /// <param name="outbox">Adds to the outbox's registration; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder AddSignalsOnPostgres<TContext>(
        this WebApplicationBuilder builder, string connectionString, string instanceId, Action<ISignalsOutboxBuilder>? outbox = null)
        where TContext : DbContext
    {
        builder.Services.AddPooledDbContextFactory<TContext>(options => options.UseNpgsql(connectionString));
        ISignalsOutboxBuilder signals = builder.Services.AddSignals(o => o.InstanceId = instanceId).AddHttpEndpoints().AddEntityFrameworkCoreOutbox<TContext>().UsePostgreSql();
        outbox?.Invoke(signals);
        return builder;
    }

    /// <summary>Starts the app.</summary>
    /// <param name="app">The app.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The address it listens on.</returns>
    public static async Task<Uri> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new Uri(address);
    }

    /// <summary>
    /// Waits until a lone instance started at <paramref name="startedAt"/> is past its peer timeout (twice the default
    /// <see cref="SignalsPostgreSqlOptions.ListenerTimeout"/> after its listener connected, plus a second for start-up), after which it
    /// sends no <c>pg_notify</c>, as it would in production.
    /// </summary>
    /// <param name="startedAt">When the app's start returned (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the peer timeout has passed.</returns>
    public static async Task WaitPastPeerTimeoutAsync(long startedAt, CancellationToken cancellationToken)
    {
        TimeSpan left = (2 * new SignalsPostgreSqlOptions().ListenerTimeout) + TimeSpan.FromSeconds(1) - System.Diagnostics.Stopwatch.GetElapsedTime(startedAt);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, cancellationToken);
        }
    }

    /// <summary>Collects garbage aggressively (compacting the large object heap), so a resident set size read next is the live set's.</summary>
    /// <returns>The managed heap's size after the collection, in bytes, as text.</returns>
    public static string CollectGarbage()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: false).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Stops and disposes the app, waiting at most 10 seconds for it to stop.</summary>
    /// <param name="app">The app.</param>
    /// <returns>A task that completes when the app is gone.</returns>
    public static async Task StopAsync(WebApplication app)
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }
}
