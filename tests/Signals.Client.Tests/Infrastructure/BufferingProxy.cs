using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Signals.Client.Tests.Infrastructure;

/// <summary>
/// A reverse proxy on real Kestrel (127.0.0.1) that buffers response bodies, as a misconfigured nginx does: it sends the status and
/// headers at once, and the body only when the upstream response is complete — so an event stream never shows an event or a
/// heartbeat, while sync answers (complete responses) pass.
/// </summary>
public sealed class BufferingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Transfer-Encoding", "Connection", "Keep-Alive", "Host" };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private BufferingProxy(WebApplication app, HttpClient upstream, Uri address)
    {
        _app = app;
        _upstream = upstream;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Gets "METHOD /path" of every request the proxy forwarded.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<BufferingProxy> StartAsync(Uri upstream)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var http = new HttpClient { BaseAddress = upstream, Timeout = Timeout.InfiniteTimeSpan };
        BufferingProxy? proxy = null;
        app.Run(context => proxy!.ForwardAsync(context));
        await app.StartAsync(TestContext.Current.CancellationToken);
        proxy = new BufferingProxy(app, http, new Uri(app.Urls.Single() + "/"));
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        HttpRequest inbound = context.Request;
        Requests.Enqueue($"{inbound.Method} {inbound.Path}");
        using var request = new HttpRequestMessage(new HttpMethod(inbound.Method), inbound.Path + inbound.QueryString);
        if (inbound.ContentLength > 0 || inbound.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(inbound.Body);
        }

        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in inbound.Headers)
        {
            if (!HopByHop.Contains(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        try
        {
            using HttpResponseMessage response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach ((string name, IEnumerable<string> values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            // The headers go out now; the body only once the upstream has sent all of it.
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            byte[] body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException)
        {
            context.Abort();
        }
    }
}
