using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Moves committed outbox rows of one context type into this instance's <see cref="SignalHub"/>. On PostgreSQL it listens for
/// wake-up notifications and sends them after local saves; on any other provider it polls through EF Core.
/// </summary>
/// <remarks>
/// <para>
/// On start it first loads the latest version of every key (so the hub knows keys changed before this instance started), then reads
/// rows with an id above its position, in id order and in batches of <see cref="SignalsOutboxOptions.BatchSize"/>, publishing
/// <c>SignalVersion(key, id, null, createdAt)</c>. It reads again when woken (a local save, a notification, a reconnect of the
/// listener) and at least every <see cref="SignalsOutboxOptions.PollInterval"/>. Failures are logged and retried with back-off.
/// </para>
/// <para>
/// Known limit (gap safety, a later issue): ids are assigned at insert, not at commit, so a row with a lower id can commit after
/// a higher one has been read; reading "id &gt; position" then skips it. This dispatcher does not yet hold its position below ids
/// that may still commit (DESIGN.md, "Read path"), so under concurrent writers a change can be missed until a later change of
/// the same key.
/// </para>
/// </remarks>
/// <typeparam name="TContext">The application's context type.</typeparam>
internal sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    SignalHub hub,
    OutboxSignalerRegistry signalers,
    IOptionsMonitor<SignalsOutboxOptions> optionsMonitor,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SignalsOutboxOptions options = optionsMonitor.Get(OutboxOptionsName.For(typeof(TContext)));
        OutboxSignaler signaler = signalers.Find(typeof(TContext))
            ?? throw new InvalidOperationException($"No outbox signaler is registered for '{typeof(TContext).Name}'.");

        string? connectionString = null;
        OutboxTable? table = null;
        ContextLease<TContext> lease = await ContextLease<TContext>.CreateAsync(scopes, stoppingToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            _ = OutboxModel.GetEntityType(lease.Context);
            if (!options.UsePollingDispatcher && lease.Context.Database.IsNpgsql())
            {
                connectionString = lease.Context.Database.GetConnectionString() ?? lease.Context.Database.GetDbConnection().ConnectionString;
                if (string.IsNullOrEmpty(connectionString))
                {
                    throw new InvalidOperationException(
                        $"The Signals PostgreSQL dispatcher needs the connection string of '{typeof(TContext).Name}', but the context has none.");
                }

                table = OutboxTable.FromModel(lease.Context);
            }
        }

        if (connectionString is null || table is null)
        {
            await RunAsync(new EfCoreOutboxSource<TContext>(scopes), "polling", options.PollInterval ?? SignalsOutboxOptions.DefaultPollingInterval, options, signaler, [], stoppingToken).ConfigureAwait(false);
            return;
        }

        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        var listener = new PostgresNotificationListener(connectionString, options, signaler, logger);
        var notifier = new PostgresWakeupNotifier(dataSource, options.NotificationChannel, signaler, logger);
        await RunAsync(
            new PostgresOutboxSource(dataSource, table),
            "PostgreSQL LISTEN/NOTIFY",
            options.PollInterval ?? SignalsOutboxOptions.DefaultPostgresPollInterval,
            options,
            signaler,
            [listener.RunAsync(stoppingToken), notifier.RunAsync(stoppingToken)],
            stoppingToken).ConfigureAwait(false);
    }

    private async Task RunAsync(
        IOutboxSource source, string dispatcher, TimeSpan pollInterval, SignalsOutboxOptions options, OutboxSignaler signaler, Task[] sideLoops, CancellationToken stoppingToken)
    {
        await using (source.ConfigureAwait(false))
        {
            try
            {
                await ReadLoopAsync(source, dispatcher, pollInterval, options, signaler, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                await Task.WhenAll(sideLoops).ConfigureAwait(false);
            }
        }
    }

    private async Task ReadLoopAsync(
        IOutboxSource source, string dispatcher, TimeSpan pollInterval, SignalsOutboxOptions options, OutboxSignaler signaler, CancellationToken stoppingToken)
    {
        long position = 0;
        bool loaded = false;
        var backoff = new RetryBackoff(options.MaxRetryDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!loaded)
                {
                    IReadOnlyList<OutboxRow> latest = await source.LoadLatestAsync(stoppingToken).ConfigureAwait(false);
                    position = Publish(latest, position);
                    loaded = true;
                    Log.DispatcherStarted(logger, typeof(TContext).Name, dispatcher, latest.Count, position);
                }

                // Gap safety is a later issue: see the remarks on this type. Rows that commit out of id order can be skipped here.
                IReadOnlyList<OutboxRow> batch;
                do
                {
                    batch = await source.ReadAfterAsync(position, options.BatchSize, stoppingToken).ConfigureAwait(false);
                    position = Publish(batch, position);
                }
                while (batch.Count >= options.BatchSize);

                backoff.Reset();
                await signaler.WaitAsync(pollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Log.ReadFailed(logger, backoff.Delay, exception);
                if (!await backoff.WaitAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    private long Publish(IReadOnlyList<OutboxRow> rows, long position)
    {
        foreach (OutboxRow row in rows)
        {
            if (SignalKey.TryParse(row.Key, out SignalKey key, out string? error))
            {
                hub.Publish(new SignalVersion(key, row.Id, null, row.CreatedAt));
            }
            else
            {
                Log.InvalidKey(logger, row.Id, error);
            }

            position = Math.Max(position, row.Id);
        }

        return position;
    }
}
