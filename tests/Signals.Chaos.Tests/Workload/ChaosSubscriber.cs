using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Signals.Chaos.Tests.Hosting;
using Signals.Testing;

namespace Signals.Chaos.Tests.Workload;

/// <summary>
/// One SSE client of <c>GET /signals/events</c> watching every key of the run, as a browser's <c>EventSource</c> would: it
/// remembers the id of the last event it received and, whenever its stream ends — the instance stopped, the connection broke,
/// <see cref="Switch"/> asked for it, or it read a random number (up to <see cref="MaxEventsPerStream"/>) of events and leaves on its
/// own, as flaky mobile clients do — reconnects to the <em>other</em> instance with that id as <c>Last-Event-ID</c>. It records the
/// highest version it saw per key and when it last rose, every (version, key) pair, and any version that went backwards.
/// </summary>
internal sealed class ChaosSubscriber
{
    /// <summary>The most events one stream delivers before the subscriber leaves it on its own.</summary>
    public const int MaxEventsPerStream = 500;

    private readonly IReadOnlyList<string> _keys;
    private readonly Dictionary<string, int> _keyIndex;
    private readonly long[] _latest;
    private readonly long[] _advancedAt;
    private readonly Dictionary<long, int> _seen = [];
    private readonly List<string> _anomalies = [];
    private readonly string _path;
    private readonly InstancePair _instances;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private CancellationTokenSource? _connection;
    private string? _lastEventId;
    private int _side;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="index">The subscriber's number; even ones start on A, odd ones on B.</param>
    /// <param name="keys">The keys to watch.</param>
    /// <param name="instances">The app instances.</param>
    /// <param name="random">This subscriber's random source.</param>
    public ChaosSubscriber(int index, IReadOnlyList<string> keys, InstancePair instances, Random random)
    {
        Index = index;
        _random = random;
        _side = index % 2;
        _instances = instances;
        _keys = keys;
        _keyIndex = keys.Select(static (k, i) => (k, i)).ToDictionary(static p => p.k, static p => p.i, StringComparer.Ordinal);
        _latest = new long[keys.Count];
        _advancedAt = new long[keys.Count];
        _path = "/signals/events?" + string.Join('&', keys.Select(static k => "key=" + Uri.EscapeDataString(k)));
    }

    /// <summary>Gets the subscriber's number.</summary>
    public int Index { get; }

    /// <summary>Gets the name of the instance it is (or was last) connected to.</summary>
    public string Instance => InstancePair.NameOf(Volatile.Read(ref _side));

    /// <summary>Gets how many <c>signal</c> events it received.</summary>
    public int Events { get; private set; }

    /// <summary>Gets how many times a stream opened.</summary>
    public int Connects { get; private set; }

    /// <summary>Gets how many streams ended because the instance or the connection went away.</summary>
    public int Drops { get; private set; }

    /// <summary>Gets how many streams it left on purpose (<see cref="Switch"/>, or on its own).</summary>
    public int Switches { get; private set; }

    /// <summary>Gets how many reconnects carried a <c>Last-Event-ID</c>.</summary>
    public int Resumes { get; private set; }

    /// <summary>Gets how many <c>reset</c> events it received (each makes it resync without a cursor).</summary>
    public int Resets { get; private set; }

    /// <summary>Gets how many events carried a version lower than one it had already seen for the key.</summary>
    public int Regressions { get; private set; }

    /// <summary>Gets how many events repeated the latest version it had for the key (harmless after a resume).</summary>
    public int Duplicates { get; private set; }

    /// <summary>Gets how many events were for a key it did not ask for, or reused a version it had seen for another key.</summary>
    public int Foreign { get; private set; }

    /// <summary>Gets the highest version seen of a key.</summary>
    /// <param name="key">A key.</param>
    /// <returns>The version, 0 if none (or the key is not watched).</returns>
    public long LatestOf(string key)
    {
        lock (_gate)
        {
            return _keyIndex.TryGetValue(key, out int index) ? _latest[index] : 0;
        }
    }

    /// <summary>Gets when the highest version seen of a key last rose (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    /// <param name="key">A key.</param>
    /// <returns>The timestamp, 0 if it never saw the key (or the key is not watched).</returns>
    public long AdvancedAt(string key)
    {
        lock (_gate)
        {
            return _keyIndex.TryGetValue(key, out int index) ? _advancedAt[index] : 0;
        }
    }

    /// <summary>Gets every (version, key) pair it saw.</summary>
    /// <returns>The pairs.</returns>
    public IReadOnlyList<(long Version, string Key)> Seen()
    {
        lock (_gate)
        {
            return [.. _seen.Select(p => (p.Key, _keys[p.Value]))];
        }
    }

    /// <summary>Gets descriptions of the first few regressions and foreign events.</summary>
    /// <returns>The descriptions.</returns>
    public IReadOnlyList<string> Anomalies()
    {
        lock (_gate)
        {
            return [.. _anomalies];
        }
    }

    /// <summary>Leaves the current stream; the subscriber reconnects to the other instance with its <c>Last-Event-ID</c>.</summary>
    public void Switch()
    {
        try
        {
            Volatile.Read(ref _connection)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That stream already ended.
        }
    }

    /// <summary>Reads streams until <paramref name="stop"/> is canceled.</summary>
    /// <param name="stop">Ends the subscriber.</param>
    /// <returns>A task that completes when it stopped.</returns>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (_instances.Pick(_side) is not { } target)
            {
                await Task.Delay(20, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            _side = target.Side;
            using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Volatile.Write(ref _connection, connection);
            try
            {
                await using SseClient events = await SseClient.OpenAsync(target.Instance.Http, _path, connection.Token, _lastEventId);
                lock (_gate)
                {
                    Connects++;
                    Resumes += _lastEventId is null ? 0 : 1;
                }

                bool reset = await ReadStreamAsync(events);
                lock (_gate)
                {
                    Resets += reset ? 1 : 0;
                    Switches += reset ? 0 : 1;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (connection.IsCancellationRequested)
            {
                lock (_gate)
                {
                    Switches++;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
            {
                // The instance stopped (the stream ended, or nobody listens on its port any more) or the connection broke.
                lock (_gate)
                {
                    Drops++;
                }

                await Task.Delay(20, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                Volatile.Write(ref _connection, null);
            }

            _side = 1 - _side;
        }
    }

    /// <summary>Reads one stream until this subscriber leaves it on its own (a random number of events) or the server sends <c>reset</c>.</summary>
    /// <returns><see langword="true"/> after a <c>reset</c>.</returns>
    private async Task<bool> ReadStreamAsync(SseClient events)
    {
        for (int left = _random.Next(1, MaxEventsPerStream + 1); left > 0;)
        {
            SseItem<string> item = await events.NextAsync();
            _lastEventId = item.EventId ?? _lastEventId;
            if (item.EventType == "reset")
            {
                // The cursor is too old for the server: resync in full, as a client must.
                _lastEventId = null;
                return true;
            }

            if (item.EventType == "signal")
            {
                Record(JsonSerializer.Deserialize<EventData>(item.Data, JsonSerializerOptions.Web)!);
                left--;
            }
        }

        return false;
    }

    private void Record(EventData data)
    {
        lock (_gate)
        {
            Events++;
            if (!_keyIndex.TryGetValue(data.Key, out int key))
            {
                Foreign++;
                Note($"an event for '{data.Key}', which it did not ask for (version {data.Version})");
                return;
            }

            long latest = _latest[key];
            if (data.Version < latest)
            {
                Regressions++;
                Note($"'{data.Key}' went back from {latest} to {data.Version} on {InstancePair.NameOf(_side)}");
            }
            else if (data.Version == latest)
            {
                Duplicates++;
            }
            else
            {
                _latest[key] = data.Version;
                _advancedAt[key] = Stopwatch.GetTimestamp();
            }

            if (!_seen.TryAdd(data.Version, key) && _seen[data.Version] != key)
            {
                Foreign++;
                Note($"version {data.Version} for '{data.Key}' after seeing it for another key");
            }
        }
    }

    private void Note(string anomaly)
    {
        if (_anomalies.Count < 10)
        {
            _anomalies.Add(string.Create(CultureInfo.InvariantCulture, $"subscriber {Index}: {anomaly}"));
        }
    }

    /// <summary>The data of a <c>signal</c> event.</summary>
    private sealed record EventData(string Key, long Version);
}
