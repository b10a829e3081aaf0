using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Moves committed outbox rows of one context type into this instance's <see cref="SignalHub"/>, reading through the source the
/// context's provider supplies (PostgreSQL: by transaction id; the neutral provider: LINQ polling), woken by local saves, by the
/// provider's own wake-ups (<c>LISTEN/NOTIFY</c>) and by those added beside them (Redis).
/// </summary>
/// <remarks>
/// <para>
/// On start it positions its source at the head of the change feed (reading only the newest rows, never every key: the hub reads the
/// keys it needs when they are asked for), then reads what committed since, each time it is
/// woken (a local save, another instance's wake-up, a reconnect) and at least every <see cref="SignalsOutboxOptions.PollInterval"/>,
/// publishing <c>SignalVersion(key, id, hash, createdAt)</c>. After each read it advances the hub's <see cref="SignalHub.SettledCursor"/>
/// (the source's proof that nothing at or below it can still commit) and <see cref="SignalHub.ResumeFloor"/>. Failures are logged and
/// retried with back-off; <see cref="Status"/> feeds the health check. Each source documents its own guarantees.
/// </para>
/// <para>
/// Versions are outbox ids, drawn when a row is inserted, not when it commits: a change can commit after a change of the same key with
/// a higher id was published, so subscribers who refetched then missed it, and its own lower version would not reach them. A dispatcher
/// that reads such a late change (for the first time, without a newer version of its key in the same read) writes a new outbox row for
/// the key, which every instance publishes as a newer version (<see cref="SignalOutboxEntry.ReannouncedId"/>). Until that write
/// succeeds it is retried with the read loop's back-off.
/// </para>
/// <para>
/// A read that fails because the database lacks the Signals schema (<see cref="OutboxProvider.IsMissingSchema"/>) is logged once, as an
/// error that says how to create it; until a read succeeds <see cref="Status"/> makes the health check Unhealthy and
/// <see cref="SignalSourceStatus"/> makes the endpoints answer 503. Both clear by themselves at the first successful read. Before its
/// first read the dispatcher compares the database's capture triggers with the model (<see cref="CaptureCheck"/>); a mismatch is
/// reported the same way, naming the table and the column, and checked again until it is fixed.
/// </para>
/// <para>
/// The outbox of a namespace on a database of its own (<c>MapNamespace(name, ns =&gt; ns.UseEntityFrameworkCore&lt;TContext&gt;())</c>,
/// <see cref="OutboxRegistration.Namespace"/>) is a version line of its own: its dispatcher publishes the same way but moves neither the
/// hub's settled cursor nor its resume floor, and each dispatcher skips (and logs) a row whose key belongs to another line.
/// </para>
/// <para>Alongside the read loop run the wake-ups and the retention cleanup.</para>
/// </remarks>
/// <typeparam name="TContext">The application's context type.</typeparam>
/// <param name="services">The application's services: scopes for contexts, and the provider's own options.</param>
/// <param name="registration">The context type's outbox registration.</param>
/// <param name="hub">This instance's hub.</param>
/// <param name="sources">Where the dispatcher reports that its database lacks the Signals schema, for the endpoints.</param>
/// <param name="optionsMonitor">The dispatcher options.</param>
/// <param name="time">The clock.</param>
/// <param name="metrics">The Signals metrics.</param>
/// <param name="logger">The logger.</param>
internal sealed class OutboxDispatcher<TContext>(
    IServiceProvider services,
    OutboxRegistration registration,
    SignalHub hub,
    SignalSourceStatus sources,
    IOptionsMonitor<SignalsOutboxOptions> optionsMonitor,
    TimeProvider time,
    SignalsMetrics metrics,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private bool _epochMissingLogged;

    /// <summary>Gets what the dispatcher is doing, for the health check.</summary>
    public OutboxDispatcherStatus Status { get; } = new(typeof(TContext).Name, time);

    /// <inheritdoc/>
    /// <remarks>
    /// Takes over the hub's settled cursor here, not in <see cref="ExecuteAsync"/>: hosted services start before the server takes
    /// requests, but <see cref="BackgroundService"/> runs <see cref="ExecuteAsync"/> on the thread pool, so a request could otherwise
    /// find the cursor untracked and be told the instance has every change it was shown elsewhere (see <see cref="SignalHub.WaitForSettledAsync"/>).
    /// </remarks>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (optionsMonitor.Get(registration.OptionsName).Stateless)
        {
            // Stateless serving: no dispatcher; the hub reads every version from the database (SignalsOutboxOptions.Stateless).
            Status.Starting("stateless");
            Status.ReadSucceeded();
            return Task.CompletedTask;
        }

        // From now on the hub's settled cursor is this dispatcher's to move (see SignalHub.SettledCursor); a namespace's own database
        // is on a version line of its own, which no settled cursor follows.
        if (registration.Namespace is null)
        {
            hub.AdvanceSettledCursor(0);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SignalsOutboxOptions options = optionsMonitor.Get(registration.OptionsName);
        OutboxSignaler signaler = registration.Signaler;
        IServiceScopeFactory scopes = services.GetRequiredService<IServiceScopeFactory>();
        var settings = new OutboxReaderSettings(
            typeof(TContext),
            registration.OptionsName,
            services,
            ct => ContextLease.CreateAsync<TContext>(scopes, ct),
            signaler,
            Status,
            time,
            logger,
            options.MaxRetryDelay,
            options.BatchSize,
            options.GapTimeout);

        OutboxReader reader;
        OutboxProvider provider;
        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, stoppingToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            _ = OutboxModel.GetEntityType(lease.Context);
            provider = SignalsOptionsExtension.ProviderOf(lease.Context);
            reader = provider.OpenReader(lease.Context, settings);
        }

        IOutboxSource source = reader.Source;
        Status.Starting(source.Kind);
        List<IOutboxWakeupTransport> wakeups = [.. reader.Wakeups, .. registration.Wakeups.Select(create => create(settings))];

        // Woken by other instances (NOTIFY, Redis), the dispatcher polls only as a safety net.
        TimeSpan pollInterval = options.PollInterval
            ?? (wakeups.Count > 0 ? SignalsOutboxOptions.DefaultSafetyPollInterval : SignalsOutboxOptions.DefaultPollingInterval);
        var cleaner = new OutboxCleaner(source, registration.Namespace is null ? hub : null, options, time, logger, provider.IsMissingSchema);
        Log.DispatcherStarted(logger, typeof(TContext).Name, source.Kind);
        await using (source.ConfigureAwait(false))
        {
            Task[] running =
            [
                .. wakeups.Select(wakeup => wakeup.RunAsync(stoppingToken)),
                cleaner.RunAsync(stoppingToken),
                reader.Capture?.RunAsync(stoppingToken) ?? Task.CompletedTask,
            ];
            try
            {
                await ReadLoopAsync(source, provider, scopes, pollInterval, options, signaler, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
        }
    }

    private async Task ReadLoopAsync(
        IOutboxSource source,
        OutboxProvider provider,
        IServiceScopeFactory scopes,
        TimeSpan pollInterval,
        SignalsOutboxOptions options,
        OutboxSignaler signaler,
        CancellationToken stoppingToken)
    {
        bool loaded = false;
        var schema = new MissingSchemaReport(provider, sources, Status, registration.OptionsName, typeof(TContext).Name, options.MaxRetryDelay, logger);
        var late = new LateChangeDetector();
        SignalNamespaces namespaces = services.GetRequiredService<SignalNamespaces>();
        var backoff = new RetryBackoff(SignalsOutboxOptions.InitialRetryDelay, options.MaxRetryDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Status.ReadStarting();
                if (!loaded)
                {
                    // Before the first read: a captured table whose triggers do not match the model would lose or fail writes.
                    await CheckCaptureAsync(provider, scopes, stoppingToken).ConfigureAwait(false);

                    // And before any cursor this instance hands out can count on its versions: which deployment's they are. The
                    // cursors count the app's version line only, so a namespace's own database does not name it.
                    if (registration.Namespace is null)
                    {
                        await ReadEpochAsync(provider, scopes, stoppingToken).ConfigureAwait(false);
                    }
                }

                var batch = new PublishBatch(hub, namespaces, registration, metrics, time, logger, late, detectLate: loaded);
                OutboxProgress progress = loaded
                    ? await source.ReadChangesAsync(batch.Add, stoppingToken).ConfigureAwait(false)
                    : await source.LoadAsync(batch.Add, stoppingToken).ConfigureAwait(false);
                if (registration.Namespace is null)
                {
                    hub.AdvanceResumeFloor(progress.CompactedThrough);
                }

                int published = batch.Complete(progress.Settled);
                metrics.RecordOutboxDepth(Math.Max(0, progress.Head - progress.Settled));
                if (late.TakeStillLate() is { Count: > 0 } stillLate)
                {
                    int written = await source.ReannounceAsync(stillLate, stoppingToken).ConfigureAwait(false);
                    late.Clear();
                    if (written > 0)
                    {
                        metrics.RecordReannouncements(written);
                        Log.Reannounced(logger, written);
                        signaler.OnCommitted();
                    }
                }

                late.ForgetSettled(progress.Settled);

                if (!loaded)
                {
                    loaded = true;
                    Log.Loaded(logger, typeof(TContext).Name, published, progress.Settled);
                }

                schema.ReadSucceeded();
                Status.ReadSucceeded();
                backoff.Reset();
                await signaler.WaitAsync(pollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                TimeSpan delay = backoff.Next();
                if (!schema.Reported(exception, delay))
                {
                    Status.ReadFailed(exception);
                    Log.ReadFailed(logger, delay, exception);
                }

                if (!await RetryBackoff.WaitAsync(delay, time, stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Runs <see cref="CaptureCheck"/> on a context of its own and records the captured tables for the health check.</summary>
    private async Task CheckCaptureAsync(OutboxProvider provider, IServiceScopeFactory scopes, CancellationToken stoppingToken)
    {
        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, stoppingToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            (string[] captured, string[] notCaptured) = await CaptureCheck.RunAsync(lease.Context, provider.Capture, stoppingToken).ConfigureAwait(false);
            Status.CaptureChecked(captured, notCaptured);
        }
    }

    /// <summary>
    /// Gives the hub the epoch of the database's version line (<see cref="DeploymentEpoch"/>). A database whose schema predates
    /// <c>signals_deployment</c> (its migration not applied yet) keeps working as before epochs: cursors carry none, and a warning says so.
    /// </summary>
    private async Task ReadEpochAsync(OutboxProvider provider, IServiceScopeFactory scopes, CancellationToken stoppingToken)
    {
        if (hub.Epoch is not null)
        {
            return;
        }

        ContextLease lease = await ContextLease.CreateAsync<TContext>(scopes, stoppingToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            try
            {
                hub.SetEpoch(await DeploymentEpoch.ReadOrCreateAsync(lease.Context, provider, time, stoppingToken).ConfigureAwait(false));
            }
            catch (Exception exception) when (provider.IsMissingSchema(exception))
            {
                // Tried again before each first read until one succeeds; said once.
                if (!_epochMissingLogged)
                {
                    _epochMissingLogged = true;
                    Log.EpochTableMissing(logger, typeof(TContext).Name, SignalsTableNames.Deployment);
                }
            }
        }
    }

    /// <summary>
    /// The rows of one read, published to the hub in chunks; the last chunk goes with the read's settled cursor, so subscribers are woken
    /// only once the cursor covers it (see <see cref="SignalHub.Publish(IEnumerable{SignalVersion}, long)"/>). The outbox of a namespace
    /// on a database of its own moves no settled cursor: its last chunk is published like the others. A row whose key is on another
    /// version line than the outbox's is skipped (logged): its id means nothing on that line.
    /// </summary>
    /// <param name="hub">The hub.</param>
    /// <param name="namespaces">Which version line each key is on.</param>
    /// <param name="registration">The outbox's registration: its version line (<see cref="OutboxRegistration.Namespace"/>).</param>
    /// <param name="metrics">Records <c>signals.dispatcher.lag</c> for rows this hub has not seen yet.</param>
    /// <param name="time">The clock the lag is measured with.</param>
    /// <param name="logger">Logs rows whose key is invalid.</param>
    /// <param name="late">Sees every row, and collects late changes.</param>
    /// <param name="detectLate">Whether a row can be a late change: not while loading, whose rows come in no order.</param>
    private sealed class PublishBatch(
        SignalHub hub,
        SignalNamespaces namespaces,
        OutboxRegistration registration,
        SignalsMetrics metrics,
        TimeProvider time,
        ILogger logger,
        LateChangeDetector late,
        bool detectLate)
    {
        private const int ChunkSize = 10_000;
        private readonly List<SignalVersion> _pending = [];
        private int _published;

        public void Add(OutboxRow row)
        {
            if (!SignalKey.TryParse(row.Key, out SignalKey key, out string? error))
            {
                Log.InvalidKey(logger, row.Id, error);
                return;
            }

            if (namespaces.HasOwnLines && namespaces.LineOf(key) is var line && !string.Equals(line, registration.Namespace, StringComparison.Ordinal))
            {
                Log.OtherLine(logger, row.Id, registration.ContextType.Name, row.Key, line is null ? "the app's own outbox" : $"the namespace '{line}'");
                return;
            }

            if (!hub.TryGetHeldVersion(key, out SignalVersion held) || row.Id > held.Version)
            {
                metrics.RecordDispatcherLag(time.GetUtcNow() - row.CreatedAt);
            }

            late.Read(key, row, detectLate);

            _pending.Add(new SignalVersion(key, row.Id, row.Hash, row.CreatedAt));
            if (_pending.Count == ChunkSize)
            {
                _published += hub.Publish(_pending);
                _pending.Clear();
            }
        }

        /// <summary>Publishes the rest and advances the settled cursor.</summary>
        /// <returns>How many rows were newer than the hub's versions.</returns>
        public int Complete(long settled) => _published + (registration.Namespace is null ? hub.Publish(_pending, settled) : hub.Publish(_pending));
    }

    /// <summary>
    /// Finds late changes: what this dispatcher has read of each key (the highest id), and the late changes waiting to be announced again,
    /// each with the id that hid it. A change read for the first time below the highest id already read of its key committed after that
    /// version was published. Only this dispatcher's reads count, not every version in the hub: the value store publishes its own writes
    /// at once, but it writes each key under a lock that commits its rows in id order, so none of them hides another.
    /// </summary>
    private sealed class LateChangeDetector
    {
        private readonly Dictionary<SignalKey, long> _highestRead = [];
        private readonly Dictionary<SignalKey, (OutboxRow Row, long HiddenBy)> _pending = [];

        /// <summary>Records a row read; a change below its key's highest id read becomes pending (one per key: the latest).</summary>
        public void Read(SignalKey key, OutboxRow row, bool detect)
        {
            ref long highest = ref CollectionsMarshal.GetValueRefOrAddDefault(_highestRead, key, out bool known);
            if (detect && known && row.Kind == OutboxRowKind.Change && row.Id < highest
                && (!_pending.TryGetValue(key, out (OutboxRow Row, long HiddenBy) pending) || pending.Row.Id < row.Id))
            {
                _pending[key] = (row, highest);
            }

            highest = Math.Max(highest, row.Id);
        }

        /// <summary>
        /// Drops the late changes whose key has been read at a newer version since they were found (in the same read or a later one):
        /// that version is published after they committed. Returns the rest.
        /// </summary>
        public IReadOnlyList<OutboxRow> TakeStillLate()
        {
            if (_pending.Count == 0)
            {
                return [];
            }

            foreach ((SignalKey key, (OutboxRow _, long hiddenBy)) in _pending)
            {
                if (_highestRead[key] != hiddenBy)
                {
                    _pending.Remove(key);
                }
            }

            return [.. _pending.Values.Select(p => p.Row)];
        }

        /// <summary>Forgets every pending change once their reannouncement is written.</summary>
        public void Clear() => _pending.Clear();

        /// <summary>
        /// Forgets the keys whose highest id read is at or below the settled cursor, so memory follows the changes in flight, not every
        /// key ever read: a row read later has an id above the cursor (every id at or below it that will ever be read has been), so
        /// only a key read above the cursor can hide it. Keys still pending stay.
        /// </summary>
        public void ForgetSettled(long settled)
        {
            foreach ((SignalKey key, long highest) in _highestRead)
            {
                if (highest <= settled && !_pending.ContainsKey(key))
                {
                    _highestRead.Remove(key);
                }
            }
        }
    }
}
