using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Signals.Protocol;

namespace Signals.AspNetCore.Endpoints;

/// <summary>The <c>signals.sync.result</c> of a sync answer, either form (<see cref="SyncEndpoint"/>, <see cref="ChangesEndpoint"/>).</summary>
internal static class SyncMetricResult
{
    /// <summary>Classifies an answer: <c>changed</c> when it reports a key, <c>unchanged</c> for none (or a 304), <c>rejected</c> for a problem, else <c>aborted</c>.</summary>
    public static string Of(IResult result) => result switch
    {
        JsonHttpResult<SyncResponse> json => json.Value!.Changed.Count > 0 ? SignalsMetrics.SyncResultChanged : SignalsMetrics.SyncResultUnchanged,
        StatusCodeHttpResult => SignalsMetrics.SyncResultUnchanged,
        ProblemHttpResult => SignalsMetrics.SyncResultRejected,
        _ => SignalsMetrics.SyncResultAborted,
    };
}
