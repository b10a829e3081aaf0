using System.Buffers;
using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Signals.AspNetCore.Authorization;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// <c>POST {prefix}/changes</c> and <c>GET {prefix}/changes</c>: the cursor form of sync. The client sends the keys it watches and the
/// <c>cursor</c> of its last answer; the answer (a <see cref="SyncResponse"/>) holds only the keys whose version is above the cursor, and
/// a new cursor. Optionally it long-polls until one changes (<c>waitMs</c>).
/// </summary>
/// <remarks>
/// <para><b>Cursor.</b> An SSE event id (<see cref="StreamCursor"/>, <c>C</c> or <c>C-H</c>). An answer's <c>C</c> is the settled cursor
/// when the versions were read (<see cref="SignalHub.SettledCursor"/>: every change at or below it had been published), so a client that
/// applied the answer has every change of its keys up to it; <c>H</c> is the highest version the client may have seen. As on the event
/// stream, a request whose <c>H</c> is above this instance's settled cursor first waits for it, up to
/// <see cref="SignalsEndpointOptions.CatchUpTimeout"/> (<see cref="SignalHub.WaitForSettledAsync"/>), so a lagging instance does not report a
/// key's older version than the client saw elsewhere.</para>
/// <para><b>Cost.</b> When nothing settled since the cursor (<c>C</c> equals the settled cursor), the answer is empty without reading a
/// single version: a poll where nothing changed costs the parse and the authorization of its keys, and a poll that repeats a recent
/// <c>keys</c> array not even the parse (<see cref="ChangesKeyArrays"/>). Otherwise the versions are read as
/// sync reads them (<see cref="SignalHub.GetVersionsAsync"/>: held keys from memory, the others from the database in one query). A
/// long-poll on an unchanged cursor waits on the settled cursor alone, and subscribes to its keys only once something settled.</para>
/// <para><b>Reset.</b> A cursor this instance cannot answer from gets <c>"reset": true</c> and the current version of every key (0 for one
/// that never changed), for the client to replace what it knew: one below <see cref="SignalHub.ResumeFloor"/> (retention passed it, as the
/// event stream's <c>event: reset</c>), and one ahead of every change the instance knows even after the catch-up wait (another
/// deployment's, a restarted in-memory app's, or forged); and one whose epoch is not this deployment's (<see cref="SignalHub.Epoch"/>: it
/// counts another database's changes), without waiting for it. A cursor without an epoch (from before epochs) is taken as this
/// deployment's. A cursor that is not <c>C</c> or <c>C-H</c> (then optionally <c>.E</c>) is a 400 <c>invalid-cursor</c>.</para>
/// <para><b>Caching.</b> The <c>GET</c> form's answer carries an <c>ETag</c> and <c>Cache-Control</c> (<see cref="ChangesCaching"/>) so that a
/// shared cache collapses identical polls into one request here.</para>
/// <para><b>Mapped namespaces.</b> A key of a namespace mapped to a store of its own (<c>MapNamespace</c>) has versions on a line of their own,
/// which the cursor does not cover: every answer reports its current version (once it ever changed), the cursor's <c>C</c> and <c>H</c>
/// ignore it, and a long-poll ends on a change of it that happens during the wait. A change of it between two polls is in the next
/// answer, which a long-poll holds until something else changes or its wait ends: for prompt delivery of such keys use the event stream
/// or the known-versions sync.</para>
/// <para>With tenancy the answer's <c>C</c> is at most the highest version among the request's keys, so a tenant does not learn how far
/// the shared change feed moved (<c>mesh.serverVersion</c> does the same); such polls always read their keys' versions.</para>
/// </remarks>
internal static class ChangesEndpoint
{
    public const string Name = "Signals changes";

    /// <summary>What an answer reports.</summary>
    private enum Scope
    {
        /// <summary>No cursor: every key that ever changed.</summary>
        Everything,

        /// <summary>The keys whose version is above the cursor.</summary>
        Since,

        /// <summary>The cursor cannot be answered from: every key, 0 for one that never changed.</summary>
        Reset,
    }

    // ValueTask, not Task: a Func<HttpContext, Task<…>> would bind as a RequestDelegate, which discards the result.
    public static async ValueTask<Results<JsonHttpResult<SyncResponse>, ProblemHttpResult, StatusCodeHttpResult, EmptyHttpResult>> HandleAsync(
        HttpContext context, SignalsEndpointServices services, ChangesKeyArrays keyArrays)
    {
        long started = Stopwatch.GetTimestamp();
        string result = SignalsMetrics.SyncResultAborted;
        try
        {
            Results<JsonHttpResult<SyncResponse>, ProblemHttpResult, StatusCodeHttpResult, EmptyHttpResult> response =
                await HandleCoreAsync(context, services, keyArrays).ConfigureAwait(false);
            result = SyncMetricResult.Of(response.Result);
            return response;
        }
        finally
        {
            services.Metrics.SyncCompleted(result, Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task<Results<JsonHttpResult<SyncResponse>, ProblemHttpResult, StatusCodeHttpResult, EmptyHttpResult>> HandleCoreAsync(
        HttpContext context, SignalsEndpointServices services, ChangesKeyArrays keyArrays)
    {
        SignalHub hub = services.Hub;
        CancellationToken aborted = context.RequestAborted;
        bool get = HttpMethods.IsGet(context.Request.Method);
        if (hub.IsStateless)
        {
            return services.Reject(Name, SignalsProblem.CursorFormNotServed());
        }

        int maxKeys = services.Signals.MaxKeysPerSubscription;
        ChangesRequest? request;
        AdmittedKeys? admitted;
        SignalsProblem? problem;
        try
        {
            if (get)
            {
                problem = ChangesRequestReader.ReadQuery(context.Request.QueryString, maxKeys, hub, out request);
            }
            else
            {
                (request, problem) = await JsonRequestBody.ReadAsync(
                    context.Request,
                    services.Options.MaxRequestBodySize,
                    nameof(SignalsEndpointOptions.MaxRequestBodySize),
                    (in ReadOnlySequence<byte> body, out ChangesRequest? read) => ChangesRequestReader.ReadBody(body, maxKeys, hub, keyArrays, out read),
                    aborted).ConfigureAwait(false);
            }

            if (problem is not null)
            {
                return services.Reject(Name, problem);
            }

            (admitted, problem) = await services.Gate.AdmitAsync(context, request!.Keys, SignalOperation.Read, valueSignalsOnly: false, Name, request.Verdict)
                .ConfigureAwait(false);
            if (problem is not null)
            {
                return services.Reject(Name, problem);
            }

            StreamCursor? cursor = request.Cursor;
            bool foreign = cursor is { } given && given.IsForeign(hub);
            if (!foreign && cursor is { Highest: > 0 } resumed && resumed.Highest > hub.SettledCursor)
            {
                // The client saw a version this instance has not settled yet (another instance is ahead): let it catch up first (bounded).
                await hub.WaitForSettledAsync(resumed.Highest, services.Options.CatchUpTimeout, aborted).ConfigureAwait(false);
            }

            TimeSpan wait = TimeSpan.FromMilliseconds(Math.Min(request.WaitMs, services.Options.MaxLongPollWait.TotalMilliseconds));
            SyncResponse response;
            try
            {
                response = await AnswerAsync(services, admitted!, cursor, foreign, wait, aborted).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                SignalsEndpointLog.VersionsUnreadable(services.Logger, exception);
                context.Response.Headers.RetryAfter = "1";
                return services.Reject(Name, SignalsProblem.VersionsUnreadable());
            }

            if (get)
            {
                response = ChangesCaching.Apply(context, services, request.Live, response);
                if (ChangesCaching.IsNotModified(context))
                {
                    return TypedResults.StatusCode(StatusCodes.Status304NotModified);
                }
            }

            return TypedResults.Json(response, SignalsJsonSerializerContext.Default.SyncResponse);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }
    }

    private static async Task<SyncResponse> AnswerAsync(
        SignalsEndpointServices services, AdmittedKeys keys, StreamCursor? cursor, bool foreign, TimeSpan wait, CancellationToken aborted)
    {
        SignalHub hub = services.Hub;
        long settled = hub.SettledCursor;
        Scope scope = cursor switch
        {
            null => Scope.Everything,
            _ when foreign => Scope.Reset,
            { } c when c.Resume > settled || c.Highest > Math.Max(settled, hub.Cursor) || (c.Resume > 0 && c.Resume < hub.ResumeFloor) => Scope.Reset,
            _ => Scope.Since,
        };
        long after = scope == Scope.Since ? cursor!.Value.Resume : 0;
        long seen = scope == Scope.Since ? cursor!.Value.Highest : 0;

        using var waitSource = CancellationTokenSource.CreateLinkedTokenSource(aborted, services.Stopping);
        long deadline = services.TimeProvider.GetTimestamp() + (long)(wait.TotalSeconds * services.TimeProvider.TimestampFrequency);
        try
        {
            if (scope == Scope.Since && after >= settled && keys.Tenant is null && !AnyOwnLine(hub, keys.Stored))
            {
                // Nothing settled since the cursor, so none of the keys has a version above it that this answer could report.
                if (wait <= TimeSpan.Zero || !await hub.WaitForSettledAsync(after + 1, wait, waitSource.Token).ConfigureAwait(false))
                {
                    return Answer(services, keys, [], [], settled, cursor!.Value with { Epoch = hub.Epoch ?? cursor.Value.Epoch }, reset: false);
                }
            }
        }
        catch (OperationCanceledException) when (services.Stopping.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            // The app is stopping: answer with what is known now rather than dropping the request.
            return Answer(services, keys, [], [], settled, cursor!.Value with { Epoch = hub.Epoch ?? cursor.Value.Epoch }, reset: false);
        }

        settled = hub.SettledCursor;
        SignalVersion[] versions = await hub.GetVersionsAsync(keys.Stored, aborted).ConfigureAwait(false);
        List<int> changed = Changed(hub, versions, scope, after);
        TimeSpan remaining = services.TimeProvider.GetElapsedTime(services.TimeProvider.GetTimestamp(), deadline);

        // Keys on a version line of their own are in every answer; only a change on the app's line, or any change during the wait, ends it.
        if (!ChangesAppLine(hub, versions, changed) && scope != Scope.Reset && remaining > TimeSpan.Zero)
        {
            var known = new Dictionary<SignalKey, long>(versions.Length);
            foreach (SignalVersion version in versions)
            {
                known.Add(version.Key, version.Version);
            }

            try
            {
                await hub.WaitForChangeAsync(known, remaining, waitSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (services.Stopping.IsCancellationRequested && !aborted.IsCancellationRequested)
            {
                // The app is stopping: answer with what is known now.
            }

            settled = hub.SettledCursor;
            versions = await hub.GetVersionsAsync(keys.Stored, aborted).ConfigureAwait(false);
            changed = Changed(hub, versions, scope, after);
        }

        long highest = 0;
        foreach (SignalVersion version in versions)
        {
            if (!hub.IsOwnLine(version.Key))
            {
                highest = Math.Max(highest, version.Version);
            }
        }

        // Every change of the keys up to the settled cursor read before the versions is in them. With tenancy, stay at or below the keys'
        // own versions, so the cursor does not tell how far the shared change feed moved.
        long resume = Math.Max(after, keys.Tenant is null ? settled : Math.Min(settled, highest));
        var next = new StreamCursor(resume, Math.Max(resume, Math.Max(seen, highest)), hub.Epoch);
        return Answer(services, keys, versions, changed, keys.Tenant is null ? settled : highest, next, scope == Scope.Reset);
    }

    /// <summary>Whether a key is on a version line of its own (a mapped namespace): the settled cursor says nothing about it.</summary>
    private static bool AnyOwnLine(SignalHub hub, IReadOnlyList<SignalKey> keys)
    {
        for (int i = 0; i < keys.Count; i++)
        {
            if (hub.IsOwnLine(keys[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a reported version is on the app's line: one that ends a long-poll at once (a mapped namespace's key is in every answer).</summary>
    private static bool ChangesAppLine(SignalHub hub, SignalVersion[] versions, List<int> changed)
    {
        foreach (int i in changed)
        {
            if (!hub.IsOwnLine(versions[i].Key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The indexes of the versions the answer reports: above the cursor, every one that ever changed, or all of them (reset). A key on a
    /// version line of its own (a mapped namespace), which the cursor does not cover, is reported whenever it ever changed: a repeat of
    /// its current version, never a loss.
    /// </summary>
    private static List<int> Changed(SignalHub hub, SignalVersion[] versions, Scope scope, long after)
    {
        var changed = new List<int>();
        for (int i = 0; i < versions.Length; i++)
        {
            if (scope == Scope.Reset || versions[i].Version > after || (versions[i].Version > 0 && hub.IsOwnLine(versions[i].Key)))
            {
                changed.Add(i);
            }
        }

        return changed;
    }

    private static SyncResponse Answer(
        SignalsEndpointServices services, AdmittedKeys keys, SignalVersion[] versions, List<int> changed, long serverVersion, StreamCursor cursor, bool reset)
    {
        IReadOnlyDictionary<SignalKey, SyncChange> answered = ReadOnlyDictionary<SignalKey, SyncChange>.Empty;
        if (changed.Count > 0)
        {
            var dictionary = new Dictionary<SignalKey, SyncChange>(changed.Count);
            foreach (int i in changed)
            {
                SignalVersion version = versions[i] with { Key = keys.Requested[i] };
                dictionary.Add(version.Key, SyncChange.From(version, services.Signals.InstanceId));
            }

            answered = dictionary;
        }

        return new SyncResponse
        {
            Changed = answered,
            Mesh = SyncMesh.From(services.Mesh, serverVersion),
            ServerTime = services.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            Cursor = cursor.ToString(),
            Reset = reset,
        };
    }
}
