using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Signals.Samples.Chat;

namespace Signals.Browser.Tests;

/// <summary>
/// The samples app on real Kestrel at 127.0.0.1, as <c>dotnet run</c> starts it with no set-up (EF Core in-memory), counting the requests
/// it answers.
/// </summary>
internal sealed class SampleApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _requests;

    private SampleApp(WebApplication app, int port, ConcurrentDictionary<string, int> requests)
    {
        _app = app;
        _requests = requests;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>Starts the app on <paramref name="port"/>, or on a free port when it is 0.</summary>
    public static async Task<SampleApp> StartAsync(int port = 0)
    {
        if (port == 0)
        {
            // Pick the port first, so the app can be restarted on the same one.
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        WebApplication app = ChatApp.Build(
        [
            "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--environment", "Development",
            "--Logging:LogLevel:Default", "Warning",
        ]);
        // Runs before the endpoints (WebApplication adds routing first and the endpoints last), after the static files.
        var requests = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        app.Use((context, next) =>
        {
            requests.AddOrUpdate($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}", 1, static (_, count) => count + 1);
            return next(context);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var sample = new SampleApp(app, port, requests);
        await sample.WaitUntilHealthyAsync();
        return sample;
    }

    /// <summary>
    /// Waits (at most 10 s) until <c>/health</c> reports Healthy: the dispatcher has loaded the outbox, so the seeded rooms' versions are
    /// in the hub and a test that compares versions before and after a request sees only what the request did.
    /// </summary>
    private async Task WaitUntilHealthyAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (await Http.GetStringAsync("/health", deadline.Token) != "Healthy")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

    /// <summary>
    /// Gets how many requests the app has answered so far for a method and a path: with a query, exactly that one
    /// (<c>GET /api/counter?q=a</c>); without, whatever the query (<c>GET /signals/events</c>).
    /// </summary>
    public int Requests(string methodAndPath)
        => _requests.Where(r => r.Key == methodAndPath || (!methodAndPath.Contains('?', StringComparison.Ordinal) && r.Key.StartsWith(methodAndPath + "?", StringComparison.Ordinal)))
            .Sum(r => r.Value);

    /// <summary>Adds one to the sample's counter through its API: a save that moves <c>counter:clicks</c>.</summary>
    public async Task IncrementCounterAsync()
        => (await Http.PostAsync("/api/counter/increment", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode().Dispose();

    public T GetRequiredService<T>()
        where T : notnull
        => _app.Services.GetRequiredService<T>();

    public Uri Url(string relative) => new(BaseAddress, relative);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
