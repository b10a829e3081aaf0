using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// The mesh heartbeat of this instance: records it in <c>signals_instances</c> every <see cref="SignalsMeshOptions.HeartbeatInterval"/>
/// (with its health, as the dispatcher health check reports it), reads the other instances' rows twice per interval into
/// <see cref="SignalMesh"/>, deletes rows unseen for <see cref="SignalsMeshOptions.RemoveAfter"/>, and deletes its own row when the app
/// stops.
/// </summary>
/// <remarks>
/// <para>Plain EF Core on the application's context type (a context of its own per run, like the value store), so it works on every
/// provider. The table is a handful of rows: each run reads it whole and filters in process, which also avoids comparing
/// <see cref="DateTimeOffset"/>s in SQL (SQLite cannot). Deleting a dead row that another instance deleted first is a concurrency
/// error EF Core reports, and is ignored.</para>
/// <para>Liveness: a peer is listed while its last heartbeat is at most two intervals old. Reads happen every half interval, so a dead
/// instance leaves the list at most two and a half intervals after its last heartbeat.</para>
/// </remarks>
/// <typeparam name="TContext">The application's context type (the first one registered with the outbox).</typeparam>
internal sealed class MeshHeartbeat<TContext>(
    IServiceScopeFactory scopes,
    SignalMesh mesh,
    IEnumerable<OutboxDispatcherStatus> statuses,
    IOptions<SignalsOptions> signals,
    IOptions<SignalsMeshOptions> options,
    TimeProvider time,
    ILogger<MeshHeartbeat<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(5);

    private readonly SignalsMeshOptions _options = options.Value;
    private readonly string _instanceId = signals.Value.InstanceId;
    private readonly string _host = Environment.MachineName.Length > SignalInstanceEntry.HostMaxLength
        ? Environment.MachineName[..SignalInstanceEntry.HostMaxLength]
        : Environment.MachineName;

    private DateTimeOffset _startedAt;
    private bool _joined;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        _startedAt = Now();
        TimeSpan period = _options.HeartbeatInterval / 2;
        MeshLog.Joined(logger, _instanceId, _options.HeartbeatInterval, typeof(TContext).Name);
        using var timer = new PeriodicTimer(period, time);
        try
        {
            for (long tick = 0; ; tick++)
            {
                try
                {
                    await RunOnceAsync(heartbeat: tick % 2 == 0, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    if (IsMissingSchema(exception))
                    {
                        MeshLog.HeartbeatSkipped(logger, period);
                    }
                    else
                    {
                        MeshLog.HeartbeatFailed(logger, period, exception);
                    }
                }

                if (!await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <inheritdoc/>
    /// <remarks>Stops the loop, then deletes this instance's row, so the others drop it at their next read rather than after two heartbeats.</remarks>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_joined)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LeaveTimeout);
        try
        {
            ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, timeout.Token).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                if (await lease.Context.Set<SignalInstanceEntry>().FindAsync([_instanceId], timeout.Token).ConfigureAwait(false) is { } own)
                {
                    lease.Context.Remove(own);
                    await lease.Context.SaveChangesAsync(timeout.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            MeshLog.LeaveFailed(logger, exception);
        }
    }

    /// <summary>Records the heartbeat (when <paramref name="heartbeat"/>, or when this instance's row is missing), reads the peers and removes dead rows.</summary>
    private async Task RunOnceAsync(bool heartbeat, CancellationToken cancellationToken)
    {
        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            DbContext context = lease.Context;
            List<SignalInstanceEntry> rows = await context.Set<SignalInstanceEntry>().ToListAsync(cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = Now();
            SignalInstanceEntry? own = rows.Find(r => r.Id == _instanceId);
            if (heartbeat || own is null)
            {
                if (own is null)
                {
                    own = new SignalInstanceEntry { Id = _instanceId };
                    context.Add(own);
                }

                (own.Host, own.StartedAt, own.LastSeenAt, own.Health) = (_host, _startedAt, now, await HealthAsync(cancellationToken).ConfigureAwait(false));
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                _joined = true;
            }

            mesh.Update(ToPeer(own), rows.Where(r => r.Id != _instanceId && now - r.LastSeenAt <= _options.LiveWindow).Select(ToPeer), now);

            SignalInstanceEntry[] dead = [.. rows.Where(r => r.Id != _instanceId && now - r.LastSeenAt > _options.RemoveAfter)];
            if (dead.Length > 0)
            {
                context.RemoveRange(dead);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    MeshLog.DeadInstancesRemoved(logger, dead.Length, now - _options.RemoveAfter);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // Another instance removed them first.
                }
            }
        }
    }

    /// <summary>This instance's health, as the dispatcher health check (<c>AddSignalsDispatcher()</c>) reports it.</summary>
    private async Task<string> HealthAsync(CancellationToken cancellationToken)
    {
        var check = new SignalsDispatcherHealthCheck(statuses);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("signals-mesh", check, HealthStatus.Degraded, null) };
        HealthCheckResult result = await check.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            HealthStatus.Healthy => SignalPeerHealth.Healthy,
            HealthStatus.Degraded => SignalPeerHealth.Degraded,
            _ => SignalPeerHealth.Unhealthy,
        };
    }

    private bool IsMissingSchema(Exception exception)
    {
        using IServiceScope scope = scopes.CreateScope();
        return scope.ServiceProvider.GetService<TContext>() is { } context && SignalsOptionsExtension.ProviderOf(context).IsMissingSchema(exception);
    }

    /// <summary>The time of a heartbeat, to the microsecond: what the database stores.</summary>
    private DateTimeOffset Now()
    {
        DateTimeOffset now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static SignalPeer ToPeer(SignalInstanceEntry row) => new(row.Id, row.Host, row.StartedAt, row.LastSeenAt, row.Health);
}
