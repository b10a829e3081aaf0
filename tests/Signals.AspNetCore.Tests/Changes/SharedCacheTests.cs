using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Signals.Testing;

namespace Signals.AspNetCore.Tests;

/// <summary><c>GET /signals/changes</c> behind a real nginx with <c>proxy_cache</c> and <c>proxy_cache_lock</c>.</summary>
public sealed class SharedCacheTests
{
    private const int Clients = 1_000;

    [Fact]
    public async Task A_thousand_identical_long_polls_reach_the_app_as_a_handful_of_requests_and_every_client_gets_the_change()
    {
        using CancellationTokenSource deadline = TestDeadline.Start(seconds: 90);
        int upstream = 0;
        await using TestServerHost host = await TestServerHost.StartAsync(map: app =>
        {
            app.Use((HttpContext context, RequestDelegate next) =>
            {
                if (context.Request.Path.StartsWithSegments("/signals/changes"))
                {
                    Interlocked.Increment(ref upstream);
                }

                return next(context);
            });
            app.MapSignals();
        });
        await using NginxCache proxy = await NginxCache.StartAsync(host.BaseAddress, "/signals", TimeSpan.FromSeconds(29), deadline.Token);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients + 10 }) { BaseAddress = proxy.BaseAddress };

        await host.ChangeAsync("chat:room:a");
        string cursor = host.Hub.SettledCursor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string poll = $"/signals/changes?key=chat:room:a&key=chat:room:b&cursor={cursor}&waitMs=20000";
        Volatile.Write(ref upstream, 0);

        Task<(HttpStatusCode Status, string Body)>[] clients = [.. Enumerable.Range(0, Clients).Select(_ => GetAsync(http, poll, deadline.Token))];

        // Every client is waiting at the proxy (its own status request counts too) before the change.
        while (await proxy.GetActiveConnectionsAsync(http, deadline.Token) < Clients + 1)
        {
            await Task.Delay(50, deadline.Token);
        }

        Assert.All(clients, client => Assert.False(client.IsCompleted));
        IReadOnlyList<SignalVersion> change = await host.ChangeAsync("chat:room:b");

        (HttpStatusCode Status, string Body)[] answers = await Task.WhenAll(clients).WaitAsync(deadline.Token);
        foreach ((HttpStatusCode status, string body) in answers)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            using JsonDocument answer = JsonDocument.Parse(body);
            Assert.Equal(change[0].Version, answer.RootElement.GetProperty("changed").GetProperty("chat:room:b").GetProperty("version").GetInt64());
        }

        int reached = Volatile.Read(ref upstream);
        Assert.True(reached is >= 1 and <= 5, $"{Clients} identical polls reached the app as {reached} requests.");
    }

    private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient http, string poll, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.GetAsync(poll, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
