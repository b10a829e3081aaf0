namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>What the fan-out server broadcasts with.</summary>
internal enum FanOutVariant
{
    /// <summary>Signals: a change committed through EF Core, delivered by the dispatcher and <c>GET /signals/events</c>.</summary>
    Signals,

    /// <summary>The ceiling: a bare ASP.NET Core SSE broadcaster (<c>TypedResults.ServerSentEvents</c> over a bounded channel per connection).</summary>
    Sse,

    /// <summary>The peer: ASP.NET Core SignalR over WebSockets (<c>Clients.All.SendAsync</c>).</summary>
    SignalR,
}
