using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Signals.AspNetCore.Authorization;
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
/// <para>An event id is <see cref="StreamCursor"/>: <c>C</c> or <c>C-H</c>, then <c>.E</c> (the epoch). <c>C</c> is the resume cursor (the stream's
/// <see cref="SignalSubscription.ResumeCursor"/>, at least the one it resumed from): it stays below a version that may still commit out
/// of order, so a client resuming from it misses nothing (and may see a version again). <c>H</c>, sent when above <c>C</c>, is the
/// highest version the client may have seen (on this stream or the ones it resumed). A stream resumed with <c>H</c> above 0 first
/// waits, up to <see cref="SignalsEndpointOptions.CatchUpTimeout"/>, until this instance's <see cref="SignalHub.SettledCursor"/> reaches
/// <c>H</c> (<see cref="SignalHub.WaitForSettledAsync"/>): another instance's dispatcher may be further ahead, and a lagging instance
/// would otherwise send a key's older version than the one the client saw there.</para>
/// <para>A cursor below the hub's <see cref="SignalHub.ResumeFloor"/> (outbox retention compacted changes after it) is too old: the
/// stream starts with <c>event: reset</c> (data <c>{"resumeFloor":N}</c>, no id), then sends the current state of every requested
/// key, as for a new client; the client drops what it knew and resyncs. So is a cursor whose epoch is not this deployment's
/// (<see cref="SignalHub.Epoch"/>: it counts another database's changes); one without an epoch is taken as this deployment's.</para>
/// <para>Event data is serialized with <see cref="SignalsJsonSerializerContext"/> and handed over as a string, so the app's JSON
/// options cannot change the wire shape; each change is serialized once for all streams (<see cref="SignalEventDataCache"/>).</para>
/// <para>An open stream holds as little as it can, since a server holds thousands of them: one iterator (its state is the stream's
/// state), the subscription, and one cancellation source that ends the stream and, armed while it waits, times the heartbeat. The query
/// is read without materializing the request's query collection, and a key the hub holds is not copied.</para>
/// </remarks>
internal static class EventsEndpoint
{
    private static readonly byte[] Ping = ": ping\n\n"u8.ToArray();

    public const string Name = "Signals events";

    /// <summary>Why a stream's wait ended.</summary>
    private enum Wake
    {
        /// <summary>Changes may be pending: send what <see cref="SignalSubscription.TryRead"/> finds (possibly nothing).</summary>
        Changes,

        /// <summary>Nothing was sent for a heartbeat interval: send a ping.</summary>
        Idle,

        /// <summary>The client went away, the app is stopping, or the subscription ended.</summary>
        Ended,
    }

    // ValueTask, not Task: a Func<HttpContext, Task<…>> would bind as a RequestDelegate, which discards the result.
    public static async ValueTask<Results<ServerSentEventsResult<string>, ProblemHttpResult, EmptyHttpResult>> HandleAsync(
        HttpContext context, SignalsEndpointServices services)
    {
        if (ReadQuery(context.Request.QueryString, services, out SignalKey[]? requested, out string? queryCursor) is { } keyProblem)
        {
            return services.Reject(Name, keyProblem);
        }

        if (ReadCursor(context.Request, queryCursor, out StreamCursor resumed) is { } cursorProblem)
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

        // A cursor of another deployment counts on another version line: start over, as for one below the resume floor.
        bool foreign = resumed.IsForeign(services.Hub);
        if (foreign)
        {
            resumed = default;
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
        bool reset = foreign || (after > 0 && after < resumeFloor);
        if (reset)
        {
            after = 0;
        }

        if (services.Hub.IsStateless)
        {
            return services.Reject(Name, SignalsProblem.StreamsNotServed());
        }

        // Subscribe now, so the initial state is the state when the request arrived (keys the hub did not hold read from the database
        // first); the stream disposes the subscription when it ends, and the response does if the stream never runs.
        SignalSubscription subscription;
        try
        {
            subscription = await services.Hub.SubscribeAsync(keys!.Stored, after, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not ArgumentException)
        {
            SignalsEndpointLog.VersionsUnreadable(services.Logger, exception);
            context.Response.Headers.RetryAfter = "1";
            return services.Reject(Name, SignalsProblem.VersionsUnreadable());
        }

        context.Response.RegisterForDispose(subscription);

        // TypedResults.ServerSentEvents sets Content-Type, Cache-Control (no-cache,no-store), Pragma and Content-Encoding
        // (identity) and disables response buffering; it knows nothing about nginx, whose proxy buffering this header turns off.
        context.Response.Headers["X-Accel-Buffering"] = "no";

        SignalsEndpointLog.StreamOpened(services.Logger, keys.Stored.Count, after);
        return TypedResults.ServerSentEvents(StreamAsync(context, subscription, keys, services, reset ? resumeFloor : null, new StreamCursor(after, resumed.Highest, services.Hub.Epoch ?? resumed.Epoch)));
    }

    /// <summary>
    /// Reads the <c>key</c> parameters (each once, in order) and the <c>lastEventId</c> parameter from the query, named without regard to
    /// case and decoded as <see cref="HttpRequest.Query"/> does, but without materializing the query collection for the stream's lifetime.
    /// </summary>
    private static SignalsProblem? ReadQuery(QueryString query, SignalsEndpointServices services, out SignalKey[]? keys, out string? cursor)
    {
        keys = null;
        cursor = null;
        int maxKeys = services.Signals.MaxKeysPerSubscription;
        var result = new List<SignalKey>();
        var distinct = new HashSet<SignalKey>();
        foreach (QueryStringEnumerable.EncodedNameValuePair pair in new QueryStringEnumerable(query.Value))
        {
            ReadOnlySpan<char> name = pair.DecodeName().Span;
            if (name.Equals("lastEventId", StringComparison.OrdinalIgnoreCase))
            {
                // Given more than once, the values are joined with commas (as StringValues are) and then rejected as a cursor.
                cursor = cursor is null ? pair.DecodeValue().ToString() : string.Concat(cursor, ",", pair.DecodeValue().Span);
                continue;
            }

            if (!name.Equals("key", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            ReadOnlySpan<char> value = pair.DecodeValue().Span;
            if (!KeyText.TryParse(value, services.Hub, out SignalKey key, out string? error))
            {
                return SignalsProblem.InvalidKey($"Invalid key {SignalsProblem.Quote(value.ToString())} in the 'key' query parameter: {error}");
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

        if (result.Count == 0)
        {
            return SignalsProblem.InvalidRequest("The query must name at least one key, e.g. '?key=chat:room:general&key=user:profile:123'.");
        }

        // An exact array: the stream keeps the keys for its lifetime.
        keys = [.. result];
        return null;
    }

    private static SignalsProblem? ReadCursor(HttpRequest request, string? queryCursor, out StreamCursor cursor)
    {
        cursor = default;
        string? header = request.Headers["Last-Event-ID"];
        (string source, string? value) = !string.IsNullOrEmpty(header)
            ? ("The Last-Event-ID header", header)
            : ("The 'lastEventId' query parameter", queryCursor);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return StreamCursor.TryParse(value, out cursor)
            ? null
            : SignalsProblem.InvalidCursor(
                $"{source} must be the id of an event from this stream: 'C' or 'C-H', integers with 0 <= C <= H <= {long.MaxValue}, optionally followed by '.E' (the server's epoch, lowercase letters and digits); got {SignalsProblem.Quote(value)}.");
    }

    /// <summary>The stream: its parameters and locals are the stream's whole state.</summary>
    /// <param name="context">The request.</param>
    /// <param name="subscription">The subscription; disposed when the stream ends.</param>
    /// <param name="keys">The admitted keys, to name changes as the client did.</param>
    /// <param name="services">The endpoints' services.</param>
    /// <param name="resetTo">The resume floor to announce with <c>event: reset</c> first, if the client's cursor was older.</param>
    /// <param name="cursor">The cursor the stream starts from.</param>
    /// <param name="cancellationToken">The request's abort token (<see cref="TypedResults.ServerSentEvents{T}(IAsyncEnumerable{SseItem{T}})"/> passes it).</param>
    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(
        HttpContext context,
        SignalSubscription subscription,
        AdmittedKeys keys,
        SignalsEndpointServices services,
        long? resetTo,
        StreamCursor cursor,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TimeSpan heartbeat = services.Options.HeartbeatInterval == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : services.Options.HeartbeatInterval;
        TimeSpan? retry = services.Options.ReconnectionInterval;
        long sent = 0;

        // Canceled when the client goes away or the app stops (the stream ends), or by the heartbeat timer armed while the stream
        // waits (it sends a ping); one timer per stream, re-armed for every wait, and replaced only after it fired.
        CancellationTokenSource wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, services.Stopping);
        services.Metrics.SseConnectionsChanged(1);
        try
        {
            using (subscription)
            {
                // Send the headers now, so the client sees the stream open even when no event is due yet.
                // (StartAsync alone only commits them: Kestrel sends them with the first flush.)
                if (!await TryWriteAsync(context.Response, static (response, token) => StartAsync(response, token), wake.Token).ConfigureAwait(false))
                {
                    yield break;
                }

                if (resetTo is { } floor)
                {
                    yield return new SseItem<string>(string.Create(CultureInfo.InvariantCulture, $"{{\"resumeFloor\":{floor}}}"), SignalEvent.ResetEventType)
                    {
                        ReconnectionInterval = retry,
                    };
                    retry = null;
                }

                while (true)
                {
                    Wake woken;
                    if (heartbeat > TimeSpan.Zero)
                    {
                        wake.CancelAfter(heartbeat);
                    }

                    try
                    {
                        woken = await subscription.WaitToWakeAsync(wake.Token).ConfigureAwait(false) ? Wake.Changes : Wake.Ended;
                        if (heartbeat > TimeSpan.Zero && !wake.TryReset())
                        {
                            // The timer fired as the wait ended: the next wait needs a source that is not canceled.
                            wake.Dispose();
                            wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, services.Stopping);
                        }
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !services.Stopping.IsCancellationRequested)
                    {
                        woken = Wake.Idle;
                        wake.Dispose();
                        wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, services.Stopping);
                    }
                    catch (OperationCanceledException)
                    {
                        woken = Wake.Ended;
                    }

                    if (woken == Wake.Ended
                        || (woken == Wake.Idle && !await TryWriteAsync(context.Response, static (response, token) => WritePingAsync(response, token), wake.Token).ConfigureAwait(false)))
                    {
                        yield break;
                    }

                    while (subscription.TryRead(out SignalVersion version))
                    {
                        string data = services.EventData.GetData(keys.ToRequested(version));
                        // A mapped namespace's version is on a line of its own: it is not a version other instances must reach (H).
                        cursor = cursor.After(subscription.ResumeCursor, services.Hub.IsOwnLine(version.Key) ? 0 : version.Version);
                        yield return new SseItem<string>(data, services.Options.EventType)
                        {
                            EventId = cursor.ToString(),
                            ReconnectionInterval = retry,
                        };
                        retry = null;
                        sent++;
                        services.Metrics.SseEventsSent(1);
                    }
                }
            }
        }
        finally
        {
            wake.Dispose();
            services.Metrics.SseConnectionsChanged(-1);
            SignalsEndpointLog.StreamClosed(services.Logger, sent, EndReason(cancellationToken, services.Stopping));
        }
    }

    private static string EndReason(CancellationToken requestAborted, CancellationToken stopping)
        => requestAborted.IsCancellationRequested ? "client disconnected" : stopping.IsCancellationRequested ? "app stopping" : "write failed";

    private static async ValueTask<bool> TryWriteAsync(HttpResponse response, Func<HttpResponse, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        try
        {
            await write(response, cancellationToken).ConfigureAwait(false);
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
