using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Signals.AspNetCore.Authorization;
using Signals.AspNetCore.Diagnostics;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// <c>GET {prefix}/events?key=a&amp;key=b</c>: a Server-Sent Events stream of the requested keys' changes (DESIGN.md "Wire protocol").
/// </summary>
/// <remarks>
/// <para>Each event is <c>id: {cursor}</c>, <c>event: signal</c> (<see cref="SignalsEndpointOptions.EventType"/>) and
/// <c>data: {"key":…,"version":…,"hash":…,"updatedAt":…}</c>; the first also carries <c>retry:</c>. The stream starts with the current
/// state of each key newer than the resume cursor (<c>Last-Event-ID</c> header, else <c>lastEventId</c> query; none = every key
/// that ever changed), then sends every change, coalesced per key by the hub's <see cref="SignalSubscription"/>. The keys pass the
/// <see cref="SignalKeyGate"/> (tenant, catalog, authorization) once, before the subscription: a denied key is a 403 and no stream.</para>
/// <para>Written by <see cref="TypedResults.ServerSentEvents{T}(IAsyncEnumerable{SseItem{T}})"/>. <see cref="SseItem{T}"/> cannot
/// express a comment, so the heartbeat (<c>: ping</c>) is written to the response body by the event source itself, while the
/// formatter waits for its next item: <see cref="SseFormatter"/> writes and flushes each event before it asks for the next one,
/// so the two never write at once and a ping never lands inside an event.</para>
/// <para>An event id is <see cref="StreamCursor"/>: <c>C</c> or <c>C-H</c>. <c>C</c> is the resume cursor (the stream's
/// <see cref="SignalSubscription.ResumeCursor"/>, at least the one it resumed from): it stays below a version that may still commit out
/// of order, so a client resuming from it misses nothing (and may see a version again). <c>H</c>, sent when above <c>C</c>, is the
/// highest version the client may have seen (on this stream or the ones it resumed). A stream resumed with <c>H</c> above 0 first
/// waits, up to <see cref="SignalsEndpointOptions.CatchUpTimeout"/>, until this instance's <see cref="SignalHub.SettledCursor"/> reaches
/// <c>H</c> (<see cref="SignalHub.WaitForSettledAsync"/>): another instance's dispatcher may be further ahead, and a lagging instance
/// would otherwise send a key's older version than the one the client saw there.</para>
/// <para>A cursor below the hub's <see cref="SignalHub.ResumeFloor"/> (outbox retention compacted changes after it) is too old: the
/// stream starts with <c>event: reset</c> (data <c>{"resumeFloor":N}</c>, no id), then sends the current state of every requested
/// key, as for a new client; the client drops what it knew and resyncs.</para>
/// <para>Event data is serialized with <see cref="SignalsJsonSerializerContext"/> and handed over as a string, so the app's JSON
/// options cannot change the wire shape; each change is serialized once for all streams (<see cref="SignalEventDataCache"/>).</para>
/// </remarks>
internal static class EventsEndpoint
{
    private static readonly byte[] Ping = ": ping\n\n"u8.ToArray();

    public const string Name = "Signals events";

    // ValueTask, not Task: a Func<HttpContext, Task<…>> would bind as a RequestDelegate, which discards the result.
    public static async ValueTask<Results<ServerSentEventsResult<string>, ProblemHttpResult, EmptyHttpResult>> HandleAsync(
        HttpContext context, SignalsEndpointServices services)
    {
        int maxKeys = services.Signals.MaxKeysPerSubscription;

        if (ReadKeys(context.Request.Query["key"], maxKeys, out List<SignalKey>? requested) is { } keyProblem)
        {
            return services.Reject(Name, keyProblem);
        }

        if (ReadCursor(context.Request, out StreamCursor resumed) is { } cursorProblem)
        {
            return services.Reject(Name, cursorProblem);
        }

        AdmittedKeys? keys;
        SignalsProblem? problem;
        try
        {
            (keys, problem) = await services.Gate.AdmitAsync(context, requested!, SignalOperation.Read, valueSignalsOnly: false, Name).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }

        if (problem is not null)
        {
            return services.Reject(Name, problem);
        }

        // Another instance may have shown the client versions this one has not read yet: let it catch up first (bounded).
        if (resumed.Highest > 0)
        {
            try
            {
                await services.Hub.WaitForSettledAsync(resumed.Highest, services.Options.CatchUpTimeout, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return TypedResults.Empty;
            }
        }

        long after = resumed.Resume;
        long resumeFloor = services.Hub.ResumeFloor;
        bool reset = after > 0 && after < resumeFloor;
        if (reset)
        {
            after = 0;
        }

        // Subscribe now, so the initial state is the state when the request arrived; the stream disposes the subscription
        // when it ends, and the response does if the stream never runs.
        SignalSubscription subscription = services.Hub.Subscribe(keys!.Stored, after);
        context.Response.RegisterForDispose(subscription);

        // TypedResults.ServerSentEvents sets Content-Type, Cache-Control (no-cache,no-store), Pragma and Content-Encoding
        // (identity) and disables response buffering; it knows nothing about nginx, whose proxy buffering this header turns off.
        context.Response.Headers["X-Accel-Buffering"] = "no";

        SignalsEndpointLog.StreamOpened(services.Logger, keys.Stored.Count, after);
        var stream = new EventStream(context, subscription, keys, services, reset ? resumeFloor : null, new StreamCursor(after, resumed.Highest));
        return TypedResults.ServerSentEvents(stream.ReadAsync());
    }

    private static SignalsProblem? ReadKeys(StringValues values, int maxKeys, out List<SignalKey>? keys)
    {
        keys = null;
        if (values.Count == 0)
        {
            return SignalsProblem.InvalidRequest("The query must name at least one key, e.g. '?key=chat:room:general&key=user:profile:123'.");
        }

        var distinct = new HashSet<SignalKey>();
        var result = new List<SignalKey>(Math.Min(values.Count, maxKeys));
        foreach (string? value in values)
        {
            if (!SignalKey.TryParse(value, out SignalKey key, out string? error))
            {
                return SignalsProblem.InvalidKey($"Invalid key {SignalsProblem.Quote(value ?? string.Empty)} in the 'key' query parameter: {error}");
            }

            if (distinct.Add(key))
            {
                if (result.Count == maxKeys)
                {
                    return SignalsProblem.TooManyKeys("The 'key' query parameter", maxKeys);
                }

                result.Add(key);
            }
        }

        keys = result;
        return null;
    }

    private static SignalsProblem? ReadCursor(HttpRequest request, out StreamCursor cursor)
    {
        cursor = default;
        string? header = request.Headers["Last-Event-ID"];
        (string source, string? value) = !string.IsNullOrEmpty(header)
            ? ("The Last-Event-ID header", header)
            : ("The 'lastEventId' query parameter", (string?)request.Query["lastEventId"]);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return StreamCursor.TryParse(value, out cursor)
            ? null
            : SignalsProblem.InvalidCursor(
                $"{source} must be the id of an event from this stream: 'C' or 'C-H', integers with 0 <= C <= H <= {long.MaxValue}; got {SignalsProblem.Quote(value)}.");
    }

    /// <summary>One stream's state: the subscription, the heartbeat timer and the end conditions.</summary>
    private sealed class EventStream(
        HttpContext context, SignalSubscription subscription, AdmittedKeys keys, SignalsEndpointServices services, long? resetTo, StreamCursor cursor)
    {
        private readonly TimeSpan _heartbeat = services.Options.HeartbeatInterval == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : services.Options.HeartbeatInterval;
        private readonly string _eventType = services.Options.EventType;
        private TimeSpan? _retry = services.Options.ReconnectionInterval;
        private StreamCursor _cursor = cursor;
        private CancellationTokenSource? _idle;
        private long _sent;

        private enum Wake
        {
            Changes,
            Idle,
            Ended,
        }

        public async IAsyncEnumerable<SseItem<string>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            // cancellationToken is the request's (TypedResults passes RequestAborted); the stream also ends when the app stops.
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, services.Stopping);
            services.Metrics.SseConnectionsChanged(1);
            try
            {
                await foreach (SseItem<string> item in ReadEventsAsync(ended.Token).ConfigureAwait(false))
                {
                    yield return item;
                }
            }
            finally
            {
                DisposeIdle();
                services.Metrics.SseConnectionsChanged(-1);
                SignalsEndpointLog.StreamClosed(services.Logger, _sent, EndReason(cancellationToken));
            }
        }

        private string EndReason(CancellationToken requestAborted)
            => requestAborted.IsCancellationRequested ? "client disconnected" : services.Stopping.IsCancellationRequested ? "app stopping" : "write failed";

        private async IAsyncEnumerable<SseItem<string>> ReadEventsAsync([EnumeratorCancellation] CancellationToken ended)
        {
            using (subscription)
            {
                // Send the headers now, so the client sees the stream open even when no event is due yet.
                // (StartAsync alone only commits them: Kestrel sends them with the first flush.)
                if (!await TryAsync(static (response, token) => StartAsync(response, token), ended).ConfigureAwait(false))
                {
                    yield break;
                }

                if (resetTo is { } floor)
                {
                    yield return new SseItem<string>(string.Create(CultureInfo.InvariantCulture, $"{{\"resumeFloor\":{floor}}}"), SignalEvent.ResetEventType)
                    {
                        ReconnectionInterval = _retry,
                    };
                    _retry = null;
                }

                while (true)
                {
                    Wake wake = await WaitAsync(ended).ConfigureAwait(false);
                    if (wake == Wake.Ended)
                    {
                        yield break;
                    }

                    if (wake == Wake.Idle)
                    {
                        if (!await TryAsync(static (response, token) => WritePingAsync(response, token), ended).ConfigureAwait(false))
                        {
                            yield break;
                        }

                        continue;
                    }

                    while (subscription.TryRead(out SignalVersion version))
                    {
                        string data = services.EventData.GetData(keys.ToRequested(version));
                        _cursor = _cursor.After(subscription.ResumeCursor, version.Version);
                        yield return new SseItem<string>(data, _eventType)
                        {
                            EventId = _cursor.ToString(),
                            ReconnectionInterval = _retry,
                        };
                        _retry = null;
                        _sent++;
                        services.Metrics.SseEventsSent(1);
                    }
                }
            }
        }

        private async ValueTask<Wake> WaitAsync(CancellationToken ended)
        {
            if (_heartbeat == TimeSpan.Zero)
            {
                try
                {
                    return await subscription.WaitToReadAsync(ended).ConfigureAwait(false) ? Wake.Changes : Wake.Ended;
                }
                catch (OperationCanceledException) when (ended.IsCancellationRequested)
                {
                    return Wake.Ended;
                }
            }

            // One idle timer per stream, re-armed for every wait and reset when a change comes first (no timer per event).
            _idle ??= CancellationTokenSource.CreateLinkedTokenSource(ended);
            _idle.CancelAfter(_heartbeat);
            try
            {
                bool open = await subscription.WaitToReadAsync(_idle.Token).ConfigureAwait(false);
                if (!_idle.TryReset())
                {
                    DisposeIdle();
                }

                return open ? Wake.Changes : Wake.Ended;
            }
            catch (OperationCanceledException) when (!ended.IsCancellationRequested)
            {
                DisposeIdle();
                return Wake.Idle;
            }
            catch (OperationCanceledException)
            {
                return Wake.Ended;
            }
        }

        private void DisposeIdle()
        {
            _idle?.Dispose();
            _idle = null;
        }

        private async ValueTask<bool> TryAsync(Func<HttpResponse, CancellationToken, ValueTask> write, CancellationToken ended)
        {
            try
            {
                await write(context.Response, ended).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (IOException)
            {
                // The client went away mid-write.
                return false;
            }
        }

        private static async ValueTask StartAsync(HttpResponse response, CancellationToken cancellationToken)
        {
            await response.StartAsync(cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        private static async ValueTask WritePingAsync(HttpResponse response, CancellationToken cancellationToken)
        {
            await response.Body.WriteAsync(Ping, cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
