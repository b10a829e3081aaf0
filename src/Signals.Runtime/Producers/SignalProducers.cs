using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Signals;

/// <summary>
/// Runs the producers declared with <c>AddSignalProducer(…)</c>: a key's producer runs while a subscriber anywhere in the cluster watches
/// the key, as exactly one copy across instances. Registered (as a singleton and a hosted service) by the first <c>AddSignalProducer</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each instance follows its own subscribers (<see cref="SignalHub.WatchersChanged"/>): while one of them watches a produced key, the
/// instance competes for the key's lock, retrying every <see cref="SignalProducerOptions.LockRetryInterval"/>; the holder runs the
/// producer. When the holder's last subscriber of the key leaves it keeps running for <see cref="SignalProducerOptions.GracePeriod"/>,
/// then stops it and releases the lock, and an instance still watching takes it over. The lock dies with its holder (a PostgreSQL
/// session, a file handle), so a killed owner's keys move the same way. A producer that throws is restarted after a back-off; one that
/// returns is done, and the instance keeps the lock without running it until nobody watches.
/// </para>
/// <para>
/// At start it checks every producer against the catalog: its template must be the pattern of a declared signal (unless the app
/// declares none), and its argument type must take the template's placeholders. A producer that fails the check stops the app's start
/// with an <see cref="InvalidOperationException"/> that says why.
/// </para>
/// </remarks>
public sealed partial class SignalProducers : BackgroundService, IAsyncDisposable
{
    private readonly Dictionary<SignalKey, ProducerRun> _runs = new(SignalKeyComparer.Instance);
    private readonly SignalCatalog _catalog;
    private readonly IReadOnlyList<SignalProducerRegistration> _registrations;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IServiceProvider _services;
    private BoundProducer[] _producers = [];

    internal SignalProducers(
        SignalHub hub,
        SignalCatalog catalog,
        IEnumerable<SignalProducerRegistration> registrations,
        ProducerLocks locks,
        ISignalValueStore values,
        ISignalStore store,
        IOptions<SignalProducerOptions> options,
        TimeProvider time,
        SignalsMetrics metrics,
        ILogger<SignalProducers> logger,
        IServiceProvider services)
    {
        Hub = hub;
        _services = services;
        _catalog = catalog;
        _registrations = [.. registrations];
        Locks = locks;
        Values = values;
        Store = store;
        Options = options.Value;
        Time = time;
        Metrics = metrics;
        Logger = logger;
    }

    internal SignalHub Hub { get; }

    internal ProducerLocks Locks { get; }

    internal ISignalValueStore Values { get; }

    internal ISignalStore Store { get; }

    internal SignalProducerOptions Options { get; }

    internal TimeProvider Time { get; }

    internal SignalsMetrics Metrics { get; }

    internal ILogger Logger { get; }

    /// <summary>Gets a value indicating whether this instance runs the producer of a key now.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> while the producer's delegate runs here (not while it waits to restart, or after it returned).</returns>
    public bool IsRunning(SignalKey key)
    {
        lock (_runs)
        {
            return _runs.TryGetValue(key, out ProducerRun? run) && run.IsRunning;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">A producer's template is not a declared signal's pattern, two producers share a template, or a producer's argument type does not fit its template.</exception>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _producers = [.. _registrations.Select(Check)];
        Hub.WatchersChanged += OnWatchersChanged;
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Stops every producer and waits for it to end and release its lock (an app disposed without being stopped).</summary>
    /// <returns>A task that completes when no producer of this instance runs any more.</returns>
    /// <remarks>May be called more than once: the service is registered both as itself and as a hosted service.</remarks>
    public async ValueTask DisposeAsync()
    {
        await StopRunsAsync().ConfigureAwait(false);
        Dispose();
    }

    /// <inheritdoc/>
    /// <remarks>Stops every producer without waiting for it; <see cref="DisposeAsync"/> waits.</remarks>
    public override void Dispose()
    {
        // Canceled, never disposed: a run or the hub's event may still read its token (it holds no timer, so nothing leaks).
        Hub.WatchersChanged -= OnWatchersChanged;
        _stopping.Cancel();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(Logger, _producers.Length, Locks.Name);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, Time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The app is stopping: stop every producer and release its lock.
        }

        await StopRunsAsync().ConfigureAwait(false);
    }

    /// <summary>Removes a run whose key nobody on this instance watches; called by the run as it ends.</summary>
    /// <param name="run">The run.</param>
    /// <returns><see langword="false"/> when someone watches the key again: the run goes on.</returns>
    internal bool TryRetire(ProducerRun run)
    {
        lock (_runs)
        {
            if (!_stopping.IsCancellationRequested && Hub.GetWatcherCount(run.Key) > 0)
            {
                return false;
            }

            _runs.Remove(run.Key);
            return true;
        }
    }

    /// <summary>Stops following the hub, cancels every run and waits for them to end.</summary>
    private async Task StopRunsAsync()
    {
        Hub.WatchersChanged -= OnWatchersChanged;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_runs)
        {
            running = [.. _runs.Values.Select(static run => run.Task)];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private BoundProducer Check(SignalProducerRegistration registration)
    {
        string template = registration.Template;
        if (_registrations.Count(r => r.Template == template) > 1)
        {
            throw new InvalidOperationException($"Two producers are registered for '{template}': a key has one producer; register it once.");
        }

        SignalDescriptor? descriptor = _catalog.Descriptors.FirstOrDefault(d => d.Pattern == template);
        if (descriptor is null && !_catalog.IsEmpty)
        {
            string near = string.Join(", ", _catalog.Descriptors.Where(d => d.IsTemplate == template.Contains('{', StringComparison.Ordinal)).Select(static d => d.Pattern).Take(10));
            throw new InvalidOperationException(
                $"The producer of '{template}' produces no declared signal: no [Signal], [SignalFamily] or [SignalValue] has that pattern. " +
                $"Declare it (e.g. [SignalValue(\"{template}\")] on the type of its value), or register the producer with a declared pattern" +
                (near.Length > 0 ? $": {near}." : "."));
        }

        // An app that declares no signal: the template alone decides which keys it produces.
        SignalDescriptor pattern = descriptor ?? new SignalDescriptor(template, "", template.Contains('{', StringComparison.Ordinal) ? SignalKind.Family : SignalKind.Signal);
        return new BoundProducer(pattern, descriptor, registration.Bind());
    }

    private void OnWatchersChanged(object? sender, SignalWatchersChangedEventArgs e)
    {
        if (!e.IsWatched)
        {
            lock (_runs)
            {
                if (_runs.TryGetValue(e.Key, out ProducerRun? watched))
                {
                    watched.Ring();
                }
            }

            return;
        }

        foreach (BoundProducer producer in _producers)
        {
            if (!producer.Pattern.Matches(e.Key))
            {
                continue;
            }

            lock (_runs)
            {
                if (_runs.TryGetValue(e.Key, out ProducerRun? run))
                {
                    run.Ring();
                }
                else if (!_stopping.IsCancellationRequested)
                {
                    var emitter = new SignalEmitter(e.Key, producer.Declared, Values, Store, _services);
                    _runs.Add(e.Key, new ProducerRun(this, producer.Pattern.Pattern, emitter, producer.Produce, _stopping.Token));
                }
            }

            return;
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "{Count} signal producers ready; exactly one copy per key through {Locks}.")]
    private static partial void LogStarted(ILogger logger, int count, string locks);

    /// <summary>A producer checked against the catalog and bound to its argument type.</summary>
    /// <param name="Pattern">What its keys match: the declared signal, or the bare template in an app that declares none.</param>
    /// <param name="Declared">The declared signal, or <see langword="null"/> in an app that declares none.</param>
    /// <param name="Produce">The producer as a function of the key.</param>
    private sealed record BoundProducer(SignalDescriptor Pattern, SignalDescriptor? Declared, Func<SignalKey, SignalEmitter, CancellationToken, Task> Produce);
}
