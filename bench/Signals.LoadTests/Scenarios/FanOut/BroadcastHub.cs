using Microsoft.AspNetCore.SignalR;

namespace Signals.LoadTests.Scenarios.FanOut;

/// <summary>The SignalR peer's hub: clients only listen; the server broadcasts with <c>IHubContext&lt;BroadcastHub&gt;.Clients.All</c>.</summary>
internal sealed class BroadcastHub : Hub;
