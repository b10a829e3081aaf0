using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Signals.Protocol;

namespace Signals.Client;

/// <summary>
/// One <see cref="SignalsClient.WatchAsync"/>: chooses the transport, reconnects with backoff, resumes the event stream with
/// <c>Last-Event-ID</c>, falls back from the stream to long-polling, and never yields a version at or below one already yielded for
/// its key. Used by one enumeration at a time (its state is not shared).
/// </summary>
/// <remarks>
/// <para>It starts as the JavaScript client's <c>watch</c> does: one sync that reports every key's current version, 0 for a key that never
/// changed, then the stream (or long-polling) for what follows. The stream's own first events repeat versions the sync reported and
/// are dropped as such.</para>
/// <para>When the server offers the cursor form of sync (its sync answer carries a <c>cursor</c>), long-polls send the keys and the
/// cursor of the last answer (or the stream's last event id, the same kind of cursor) instead of every key's version, and the server
/// answers only what changed since. An answer without a cursor, or a 404/405 from <c>{prefix}/changes</c>, returns the watch to the
/// key-list form.</para>
/// </remarks>
internal sealed class SignalsClientWatch
{
    private static readonly HashSet<HttpStatusCode> StreamUnavailable =
    [
        HttpStatusCode.NotFound,
        HttpStatusCode.MethodNotAllowed,
        HttpStatusCode.RequestUriTooLong,
        HttpStatusCode.RequestHeaderFieldsTooLarge,
    ];

    private readonly SignalsClient _client;
    private readonly SignalsClientOptions _options;
    private readonly SignalKey[] _keys;
    private readonly Uri _eventsUri;
    private readonly Dictionary<SignalKey, long> _yielded = [];
    private readonly Dictionary<SignalKey, long> _server = [];
    private readonly RetryBackoff _backoff;
    private string? _lastEventId;

    // The cursor of the cursor form of sync, while the server offers it: the last answer's, or the stream's last event id.
    private string? _cursor;

    public SignalsClientWatch(SignalsClient client, SignalKey[] keys)
    {
        _client = client;
        _options = client.Options;
        _keys = keys;
        _eventsUri = new Uri($"{client.EventsUri.AbsoluteUri}?{string.Join('&', keys.Select(static key => "key=" + Uri.EscapeDataString(key.Value)))}");
        _backoff = new RetryBackoff(_options.ReconnectDelay, _options.MaxReconnectDelay);
        foreach (SignalKey key in keys)
        {
            // -1: nothing yielded yet, so the first report of a key that never changed (version 0) is yielded too.
            _yielded[key] = -1;
            _server[key] = 0;
        }
    }

    public async IAsyncEnumerable<SignalVersion> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (SignalVersion version in await SyncAtStartAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Accept(version))
            {
                yield return version;
            }
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_client.UseStream)
            {
                using var attempt = new StreamAttempt(_options.StreamOpenTimeout, cancellationToken);
                await using (IAsyncEnumerator<SignalVersion> stream = ReadStreamAsync(attempt, cancellationToken).GetAsyncEnumerator(cancellationToken))
                {
                    while (true)
                    {
                        try
                        {
                            if (!await stream.MoveNextAsync().ConfigureAwait(false))
                            {
                                break;
                            }
                        }
                        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && IsRetryable(exception, stream: true))
                        {
                            attempt.Failure = exception;
                            break;
                        }

                        if (Accept(stream.Current))
                        {
                            yield return stream.Current;
                        }
                    }
                }

                await AfterStreamAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            bool polling = _options.Mode == SignalsClientMode.Polling;
            TimeSpan wait = polling ? TimeSpan.Zero : _options.LongPollWait;
            long started = _client.TimeProvider.GetTimestamp();
            IReadOnlyList<SignalVersion> changes;
            try
            {
                SyncResponse response = _cursor is { } cursor
                    ? await _client.SendChangesAsync(_keys, cursor, wait, cancellationToken).ConfigureAwait(false)
                    : await _client.SendSyncAsync(_server, wait, cancellationToken).ConfigureAwait(false);
                _cursor = response.Cursor;
                changes = [.. response.Changed.Values.Select(static change => change.ToVersion())];
            }
            catch (HttpRequestException exception) when (_cursor is not null && exception.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                // Offered but not reachable (a proxy that forwards only /sync): the key-list form, for the rest of the watch.
                _cursor = null;
                continue;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && IsRetryable(exception, stream: false))
            {
                TimeSpan delay = _backoff.Next();
                Log.SyncFailed(_client.Logger, Describe(exception), delay);
                await Task.Delay(delay, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _backoff.Reset();
            foreach (SignalVersion change in changes)
            {
                if (Accept(change))
                {
                    yield return change;
                }
            }

            // Polling pauses between syncs; so does long-polling when the server answered at once with nothing (it does not hold requests).
            if (polling || (changes.Count == 0 && _client.TimeProvider.GetElapsedTime(started) < wait / 2))
            {
                await Task.Delay(_options.PollingInterval, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads one connection of the event stream; throws when it fails, ends when the server ends it.</summary>
    private async IAsyncEnumerable<SignalVersion> ReadStreamAsync(StreamAttempt attempt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CancellationToken silence = attempt.Silence.Token;
        using var request = new HttpRequestMessage(HttpMethod.Get, _eventsUri);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (_lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", _lastEventId);
        }

        Log.OpeningStream(_client.Logger, _eventsUri, _lastEventId);
        using HttpClient http = _client.CreateHttpClient();
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, silence).ConfigureAwait(false);
        await SignalsClient.EnsureSuccessAsync(response, silence).ConfigureAwait(false);
        if (response.Content.Headers.ContentType?.MediaType is not "text/event-stream")
        {
            attempt.Unavailable = $"the server answered GET {_client.EventsUri} with '{response.Content.Headers.ContentType}', not 'text/event-stream'";
            yield break;
        }

        Stream body = await response.Content.ReadAsStreamAsync(silence).ConfigureAwait(false);
        await using var watched = new ActivityStream(body, () =>
        {
            // Anything (an event or a heartbeat) proves the stream flows: restart the idle clock, and the backoff.
            attempt.Received = true;
            attempt.Silence.CancelAfter(_options.StreamIdleTimeout);
            _backoff.Reset();
        });
        SseParser<SignalVersion?> parser = SseParser.Create(watched, ParseEvent);
        await foreach (SseItem<SignalVersion?> item in parser.EnumerateAsync(silence).ConfigureAwait(false))
        {
            if (parser.ReconnectionInterval != Timeout.InfiniteTimeSpan)
            {
                _backoff.ServerHint = parser.ReconnectionInterval;
            }

            if (item.EventType == SignalEvent.ResetEventType)
            {
                foreach (SignalVersion version in await ResyncAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return version;
                }
            }
            else if (item.Data is { } version)
            {
                // The id is opaque (the server's resume cursor): send it back as it is, and poll on from it if the watch falls back.
                if (!string.IsNullOrEmpty(item.EventId))
                {
                    _lastEventId = item.EventId;
                    _cursor = _cursor is null ? null : item.EventId;
                }

                yield return version;
            }
        }
    }

    /// <summary>The first sync: every key's current version, <see cref="SignalVersion.Initial(SignalKey)"/> for the keys the server did not report (never changed); retried while the server is unreachable.</summary>
    private async Task<IReadOnlyList<SignalVersion>> SyncAtStartAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                SyncResponse response = await _client.SendSyncAsync(_server, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                _backoff.Reset();
                _cursor = response.Cursor;
                return [.. _keys.Select(key => response.Changed.TryGetValue(key, out SyncChange? change) ? change.ToVersion() : SignalVersion.Initial(key))];
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && IsRetryable(exception, stream: false))
            {
                TimeSpan delay = _backoff.Next();
                Log.SyncFailed(_client.Logger, Describe(exception), delay);
                await Task.Delay(delay, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>After <c>event: reset</c>: the server cannot resume from the cursor, so ask for the state of every key in full.</summary>
    private async Task<IReadOnlyList<SignalVersion>> ResyncAsync(CancellationToken cancellationToken)
    {
        Log.ResetReceived(_client.Logger, _lastEventId);
        Dictionary<SignalKey, long> nothingKnown = _keys.ToDictionary(static key => key, static _ => 0L);
        SyncResponse response = await _client.SendSyncAsync(nothingKnown, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        _cursor = response.Cursor;

        // Resume later connections from the server's position (it has every change up to it), so the next one is not reset again.
        _lastEventId = response.Mesh.ServerVersion > 0 ? response.Mesh.ServerVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return [.. response.Changed.Values.Select(static change => change.ToVersion())];
    }

    private async Task AfterStreamAsync(StreamAttempt attempt, CancellationToken cancellationToken)
    {
        if (_options.Mode == SignalsClientMode.Auto)
        {
            string? unavailable = attempt.Unavailable
                ?? (attempt.Failure is HttpRequestException { StatusCode: { } status } && StreamUnavailable.Contains(status)
                    ? $"the server answered GET {_client.EventsUri} with {(int)status}"
                    : null)
                ?? (attempt.Silence.IsCancellationRequested && !attempt.Received
                    ? $"no event and no heartbeat within {_options.StreamOpenTimeout}, as when a proxy buffers the response"
                    : null);
            if (unavailable is not null)
            {
                _client.BlockStream(unavailable);
                return;
            }
        }

        TimeSpan delay = _backoff.Next();
        if (attempt.Failure is null && attempt.Unavailable is null)
        {
            Log.StreamEnded(_client.Logger, delay);
        }
        else
        {
            Log.StreamFailed(_client.Logger, attempt.Unavailable ?? Describe(attempt.Failure!), delay);
        }

        await Task.Delay(delay, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a version the server reported and says whether to yield it: only when newer than the last yielded one of its key.</summary>
    private bool Accept(SignalVersion version)
    {
        if (!_yielded.TryGetValue(version.Key, out long yielded))
        {
            return false;
        }

        // Sync with the server's own view (it may be behind us after a restore), so a long-poll waits instead of answering at once.
        _server[version.Key] = version.Version;
        if (version.Version <= yielded)
        {
            return false;
        }

        _yielded[version.Key] = version.Version;
        return true;
    }

    /// <summary>Whether a failed attempt is worth repeating: everything but a 4xx answer (other than 408 and 429) and programming errors.</summary>
    private bool IsRetryable(Exception exception, bool stream) => exception switch
    {
        HttpRequestException { StatusCode: { } status } when stream && _options.Mode == SignalsClientMode.Auto && StreamUnavailable.Contains(status) => true,
        HttpRequestException { StatusCode: { } status } => (int)status is < 400 or >= 500 or 408 or 429,
        HttpRequestException or IOException or TimeoutException or OperationCanceledException or JsonException => true,
        _ => false,
    };

    private static string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";

    private static SignalVersion? ParseEvent(string eventType, ReadOnlySpan<byte> data)
        // Every event but a reset is a change, whatever SignalsEndpointOptions.EventType names it.
        => eventType != SignalEvent.ResetEventType ? JsonSerializer.Deserialize(data, SignalsJsonSerializerContext.Default.SignalEvent)?.ToVersion() : null;

    /// <summary>One connection attempt: its silence clock (canceled when nothing arrives in time) and how it ended.</summary>
    private sealed class StreamAttempt : IDisposable
    {
        public StreamAttempt(TimeSpan openTimeout, CancellationToken cancellationToken)
        {
            Silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Silence.CancelAfter(openTimeout);
        }

        public CancellationTokenSource Silence { get; }

        public bool Received { get; set; }

        public Exception? Failure { get; set; }

        public string? Unavailable { get; set; }

        public void Dispose() => Silence.Dispose();
    }
}
