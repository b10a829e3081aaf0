using System.Globalization;
using Signals.Testing;

namespace Signals.LoadTests.Scenarios.Sync;

/// <summary>
/// 1,000 identical <c>GET /signals/changes</c> long-polls through nginx with <c>proxy_cache</c> and <c>proxy_cache_lock</c>
/// (<see cref="NginxCache"/>, the settings of docs/operations.md): how many of them reach the app, counted by <see cref="Middleware"/>,
/// and whether every client got the change that ended them.
/// </summary>
internal sealed class CachedPolls
{
    /// <summary>How many clients poll at once.</summary>
    public const int Clients = 1_000;

    private int _upstream;

    /// <summary>Counts the requests to <c>/signals/changes</c> that reach the app.</summary>
    public Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/signals/changes", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _upstream);
        }

        return next(context);
    }

    /// <summary>Runs the polls: all wait at the proxy, then one key changes.</summary>
    /// <param name="app">The app's address.</param>
    /// <param name="hub">The app's hub, to publish the change.</param>
    /// <param name="key">The key the change moves (one of the polled ones).</param>
    /// <param name="cancellationToken">The deadline.</param>
    /// <returns>The requests that reached the app, and how many clients got the change.</returns>
    /// <exception cref="TimeoutException">The clients did not all reach the proxy within 60 s.</exception>
    public async Task<(int Upstream, int Delivered)> RunAsync(Uri app, SignalHub hub, SignalKey key, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await using NginxCache proxy = await NginxCache.StartAsync(app, "/signals", TimeSpan.FromSeconds(29), deadline.Token);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients + 10 }) { BaseAddress = proxy.BaseAddress };
        string cursor = hub.SettledCursor.ToString(CultureInfo.InvariantCulture);
        string poll = $"/signals/changes?key={Uri.EscapeDataString(key.Value)}&cursor={cursor}&waitMs=20000";
        Volatile.Write(ref _upstream, 0);

        Task<string>[] clients = [.. Enumerable.Range(0, Clients).Select(_ => http.GetStringAsync(poll, deadline.Token))];
        while (await proxy.GetActiveConnectionsAsync(http, deadline.Token) < Clients + 1)
        {
            await Task.Delay(50, deadline.Token);
        }

        long version = hub.Cursor + 1;
        hub.Publish(new SignalVersion(key, version, null, DateTimeOffset.UtcNow));
        string[] answers = await Task.WhenAll(clients);
        string expected = string.Create(CultureInfo.InvariantCulture, $"\"version\":{version}");
        return (Volatile.Read(ref _upstream), answers.Count(answer => answer.Contains(expected, StringComparison.Ordinal)));
    }
}
