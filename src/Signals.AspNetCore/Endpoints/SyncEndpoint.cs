using System.Buffers;
using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Signals.AspNetCore.Authorization;
using Signals.Protocol;
using SyncResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Signals.Protocol.SyncResponse>,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult,
    Microsoft.AspNetCore.Http.HttpResults.EmptyHttpResult>;

namespace Signals.AspNetCore.Endpoints;

/// <summary>
/// <c>POST {prefix}/sync</c>: answers which of the keys a client knows have a different server version, optionally after
/// long-polling until one does (DESIGN.md "Wire protocol"; the Reality form per PROTOCOL-REALITY.md).
/// </summary>
/// <remarks>
/// <para>The body is read by hand (not by minimal-API binding) so that every bad input — wrong content type, oversized body,
/// malformed JSON, wrong types, invalid keys or versions, too many keys — is a 4xx <c>application/problem+json</c> naming
/// what is wrong, and never touches the hub. The keys then pass the <see cref="SignalKeyGate"/> (tenant, catalog, authorization)
/// before any version is read.</para>
/// <para>A client that knows a version above this instance's <see cref="SignalHub.SettledCursor"/> (the change is in flight, or another
/// instance further ahead answered the client) waits first, up to <see cref="SignalsEndpointOptions.CatchUpTimeout"/>, until the
/// settled cursor reaches it (<see cref="SignalHub.WaitForSettledAsync"/>): the client is never told an older version of a key than it
/// already has, and <c>serverVersion</c> covers everything it knows.</para>
/// <para><c>mesh.serverVersion</c> is the hub's <see cref="SignalHub.SettledCursor"/>: this instance has every change up to it, so it is
/// a safe resume cursor (a client may open the event stream with it as <c>Last-Event-ID</c> after a full sync). When the app scopes
/// keys per tenant it is the highest version among the request's keys instead, so a tenant does not learn how far the shared change
/// feed has moved.</para>
/// <para>An answer to the bare form (<c>known</c>, <c>wait</c>/<c>waitMs</c>) at <c>MapSignals()</c>' path also carries <c>cursor</c>, the offer
/// of the cursor form (<see cref="ChangesEndpoint"/>); an answer to the Reality form, or at <c>MapRealityCompatibility()</c>' path, stays
/// exactly Reality's superset.</para>
/// </remarks>
internal static class SyncEndpoint
{
    public const string Name = "Signals sync";

    // ValueTask, not Task: a Func<HttpContext, Task<…>> would bind as a RequestDelegate, which discards the result.
    public static async ValueTask<Results<JsonHttpResult<SyncResponse>, ProblemHttpResult, EmptyHttpResult>> HandleAsync(
        HttpContext context, SignalsEndpointServices services, bool offersCursor)
    {
        long started = Stopwatch.GetTimestamp();
        string result = SignalsMetrics.SyncResultAborted;
        try
        {
            Results<JsonHttpResult<SyncResponse>, ProblemHttpResult, EmptyHttpResult> response = await HandleCoreAsync(context, services, offersCursor).ConfigureAwait(false);
            result = SyncMetricResult.Of(response.Result);
            return response;
        }
        finally
        {
            services.Metrics.SyncCompleted(result, Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task<Results<JsonHttpResult<SyncResponse>, ProblemHttpResult, EmptyHttpResult>> HandleCoreAsync(
        HttpContext context, SignalsEndpointServices services, bool offersCursor)
    {
        SignalsEndpointOptions options = services.Options;
        int maxKeys = services.Signals.MaxKeysPerSubscription;
        CancellationToken aborted = context.RequestAborted;

        SyncRequest? request;
        AdmittedKeys? keys;
        IReadOnlyList<long> known;
        SignalsProblem? problem;
        try
        {
            (request, problem) = await JsonRequestBody.ReadAsync(
                context.Request,
                options.MaxRequestBodySize,
                nameof(SignalsEndpointOptions.MaxRequestBodySize),
                (in ReadOnlySequence<byte> body, out SyncRequest? sync) => SyncRequestReader.Read(body, maxKeys, services.Hub, out sync),
                aborted).ConfigureAwait(false);
            if (problem is not null)
            {
                return services.Reject(Name, problem);
            }

            // Keys and versions index by index (a dictionary enumerates its keys and values in the same order).
            known = [.. request!.Known.Values];
            (keys, problem) = await services.Gate.AdmitAsync(context, [.. request.Known.Keys], SignalOperation.Read, valueSignalsOnly: false, Name)
                .ConfigureAwait(false);
            if (problem is not null)
            {
                return services.Reject(Name, problem);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }

        // The versions the client knows, index by index with the keys the hub knows (keys.Stored).
        AdmittedKeys admitted = keys!;
        string source = services.Signals.InstanceId;
        SignalHub hub = services.Hub;
        long highestKnown = 0;
        for (int i = 0; i < known.Count; i++)
        {
            // A key of a mapped namespace has versions on a line of their own, which no settled cursor follows: nothing to catch up with
            // (a key on a database of its own is read again from there when the client knows a newer version; see DiffAsync).
            if (!hub.IsOwnLine(admitted.Stored[i]))
            {
                highestKnown = Math.Max(highestKnown, known[i]);
            }
        }

        if (highestKnown > hub.SettledCursor)
        {
            try
            {
                // The client knows a version this instance has not settled yet: let it catch up first (bounded).
                await hub.WaitForSettledAsync(highestKnown, options.CatchUpTimeout, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return TypedResults.Empty;
            }
        }

        (Diff diff, SyncResult? stop) = await ReadDiffAsync(context, services, known, admitted, source).ConfigureAwait(false);
        if (stop is not null)
        {
            return stop;
        }

        TimeSpan wait = TimeSpan.FromMilliseconds(request.WaitMs ?? request.Wait ?? 0);
        if (wait > options.MaxLongPollWait)
        {
            wait = options.MaxLongPollWait;
        }

        if (diff.Changed.Count == 0 && wait > TimeSpan.Zero)
        {
            using var waitSource = CancellationTokenSource.CreateLinkedTokenSource(aborted, services.Stopping);
            try
            {
                if (known.Count == 0)
                {
                    // Nothing can change: hold the request for the whole wait, as a client long-polling with no keys expects.
                    await Task.Delay(wait, services.TimeProvider, waitSource.Token).ConfigureAwait(false);
                }
                else
                {
                    var versions = new Dictionary<SignalKey, long>(known.Count);
                    for (int i = 0; i < known.Count; i++)
                    {
                        versions.Add(admitted.Stored[i], known[i]);
                    }

                    await hub.WaitForChangeAsync(versions, wait, waitSource.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return TypedResults.Empty;
            }
            catch (OperationCanceledException) when (services.Stopping.IsCancellationRequested)
            {
                // The app is stopping: answer with what is known now rather than dropping the request.
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return Unreadable(context, services, exception);
            }

            (diff, stop) = await ReadDiffAsync(context, services, known, admitted, source).ConfigureAwait(false);
            if (stop is not null)
            {
                return stop;
            }
        }

        var response = new SyncResponse
        {
            Changed = diff.Changed,
            Mesh = SyncMesh.From(services.Mesh, admitted.Tenant is null ? hub.SettledCursor : diff.Highest),
            ServerTime = services.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            Cursor = offersCursor && !IsRealityForm(request) && !hub.IsStateless ? CursorAfter(diff.Settled, diff.Highest, highestKnown, admitted.Tenant is not null, hub.Epoch) : null,
        };
        return TypedResults.Json(response, SignalsJsonSerializerContext.Default.SyncResponse);
    }

    /// <summary>Whether the request has a field only the Reality form has (<c>clientId</c>, <c>mode</c>, <c>hint</c>): its answer stays Reality's.</summary>
    private static bool IsRealityForm(SyncRequest request) => request.ClientId is not null || request.Mode is not null || request.Hint is not null;

    /// <summary>
    /// The cursor of an answer, for the cursor form (<see cref="ChangesEndpoint"/>): the settled cursor read before the versions (every change
    /// of the keys up to it is in the answer or known to the client), at most the keys' highest version with tenancy; and the highest
    /// version the client may now have; with the hub's epoch.
    /// </summary>
    private static string CursorAfter(long settled, long highest, long highestKnown, bool tenant, string? epoch)
    {
        long resume = tenant ? Math.Min(settled, highest) : settled;
        return new StreamCursor(resume, Math.Max(resume, Math.Max(highest, highestKnown)), epoch).ToString();
    }

    /// <summary>Answers 503 <c>source-unavailable</c> when the versions of keys the hub does not hold cannot be read now.</summary>
    private static ProblemHttpResult Unreadable(HttpContext context, SignalsEndpointServices services, Exception exception)
    {
        SignalsEndpointLog.VersionsUnreadable(services.Logger, exception);
        context.Response.Headers.RetryAfter = "1";
        return services.Reject(Name, SignalsProblem.VersionsUnreadable());
    }

    /// <summary>
    /// Reads the settled cursor, then the versions (<see cref="DiffAsync"/>); or the answer to give instead: none when the client went
    /// away, 503 when the versions of keys the hub does not hold cannot be read now.
    /// </summary>
    private static async Task<(Diff Diff, SyncResult? Stop)> ReadDiffAsync(
        HttpContext context, SignalsEndpointServices services, IReadOnlyList<long> known, AdmittedKeys keys, string source)
    {
        try
        {
            long settled = services.Hub.SettledCursor;
            (IReadOnlyDictionary<SignalKey, SyncChange> changed, long highest) =
                await DiffAsync(services.Hub, known, keys, source, context.RequestAborted).ConfigureAwait(false);
            return (new Diff(changed, highest, settled), null);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return (default, TypedResults.Empty);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return (default, Unreadable(context, services, exception));
        }
    }

    /// <summary>
    /// Compares the known versions (<c>known[i]</c> of <c>keys.Stored[i]</c>) with the hub's (the keys it does not hold read from the
    /// database in one query; a key on a database of its own that the hub holds below the known version read there again): the keys that
    /// differ (under the names the client used) and the highest current version among the keys on the app's version line.
    /// </summary>
    private static async ValueTask<(IReadOnlyDictionary<SignalKey, SyncChange> Changed, long Highest)> DiffAsync(
        SignalHub hub, IReadOnlyList<long> known, AdmittedKeys keys, string source, CancellationToken cancellationToken)
    {
        Dictionary<SignalKey, SyncChange>? changed = null;
        long highest = 0;
        SignalVersion[] versions = known.Count == 0 ? [] : await hub.GetVersionsAtLeastAsync(keys.Stored, known, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < known.Count; i++)
        {
            SignalVersion current = versions[i];
            if (!hub.IsOwnLine(current.Key))
            {
                highest = Math.Max(highest, current.Version);
            }

            if (current.Version != known[i])
            {
                SignalVersion answer = current with { Key = keys.Requested[i] };
                (changed ??= []).Add(answer.Key, SyncChange.From(answer, source));
            }
        }

        return (changed ?? (IReadOnlyDictionary<SignalKey, SyncChange>)ReadOnlyDictionary<SignalKey, SyncChange>.Empty, highest);
    }

    /// <summary>What a sync answers: the keys that differ, the highest current version among the keys, and the settled cursor read before them.</summary>
    private readonly record struct Diff(IReadOnlyDictionary<SignalKey, SyncChange> Changed, long Highest, long Settled);
}
