using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Signals.Benchmarks.Sync;

/// <summary>
/// The cursor form of sync's server work for <see cref="Keys"/> watched keys when nothing changed since the cursor (the common poll):
/// the request delegate that <c>MapSignals()</c> maps for <c>POST /signals/changes</c>, called with an in-memory request whose cursor
/// is the hub's settled cursor — reading and checking the body, admitting the keys, and writing the empty answer — without Kestrel.
/// As in the <c>sync</c> load scenario, the keys are declared (<c>bench:item:{Id}</c>), so the catalog is checked. <see cref="Repeated"/>:
/// every call repeats the same body, as one client's polls do; otherwise the calls cycle through <see cref="DistinctArrays"/> arrays of the
/// same keys in other orders, more than the endpoint keeps, as many clients with keys arrays of their own do.
/// </summary>
[MemoryDiagnoser]
public class ChangesEndpointBenchmarks
{
    private WebApplication _app = null!;
    private RequestDelegate _changes = null!;
    /// <summary>More arrays than the endpoint keeps (64).</summary>
    private const int DistinctArrays = 128;

    private byte[][] _bodies = [];
    private int _next;

    [Params(100, 1_000)]
    public int Keys { get; set; }

    [Params(true, false)]
    public bool Repeated { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSignals(o => o.MaxKeysPerSubscription = Math.Max(Keys, 1_000)).AddHttpEndpoints();
        builder.Services.AddSingleton(new SignalCatalog([new SignalDescriptor("bench:item:{Id}", "Bench.Item", SignalKind.Family)]));
        _app = builder.Build();
        _app.MapSignals();
        _changes = ((IEndpointRouteBuilder)_app).DataSources
            .SelectMany(static source => source.Endpoints)
            .First(static endpoint => endpoint.DisplayName == "Signals changes")
            .RequestDelegate ?? throw new InvalidOperationException("The changes endpoint has no request delegate.");

        SignalHub hub = _app.Services.GetRequiredService<SignalHub>();
        var keys = new string[Keys];
        for (int i = 0; i < Keys; i++)
        {
            var version = new SignalVersion(SignalKey.Create("bench:item", SignalKey.FormatArgument(i + 1)), i + 1, null, DateTimeOffset.UnixEpoch);
            hub.Publish(version);
            keys[i] = version.Key.Value;
        }

        string cursor = hub.SettledCursor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _bodies = [.. Enumerable.Range(0, Repeated ? 1 : DistinctArrays)
            .Select(shift => shift % Keys)
            .Select(shift => JsonSerializer.SerializeToUtf8Bytes(new { keys = (string[])[.. keys[shift..], .. keys[..shift]], cursor }))];
        int status = Nothing_changed().GetAwaiter().GetResult();
        if (status != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"The changes endpoint answered {status} in set-up.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public async Task<int> Nothing_changed()
    {
        byte[] body = _bodies[_next++ % _bodies.Length];
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/signals/changes";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Response.Body = Stream.Null;
        await _changes(context);
        return context.Response.StatusCode;
    }
}
