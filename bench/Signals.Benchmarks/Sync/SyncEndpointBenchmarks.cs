using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Signals.Benchmarks.Sync;

/// <summary>
/// The sync endpoint's server work for <see cref="KnownKeys"/> known keys: the request delegate that <c>MapSignals()</c> maps for
/// <c>POST /signals/sync</c>, called with an in-memory request — reading and validating the body, diffing every key against the hub,
/// and writing the JSON response — without Kestrel and the network.
/// </summary>
/// <remarks>
/// <c>All_current</c> is a client that is up to date (the common poll: an empty <c>changed</c>); <c>All_changed</c> knows an older
/// version of every key, so the response lists them all. <c>Hub_lookups</c> is the hub's share alone: one
/// <see cref="SignalHub.TryGetHeldVersion"/> per known key (the hub holds every key here, with no database behind it).
/// </remarks>
[MemoryDiagnoser]
public class SyncEndpointBenchmarks
{
    private WebApplication _app = null!;
    private RequestDelegate _sync = null!;
    private SignalHub _hub = null!;
    private KeyValuePair<SignalKey, long>[] _known = [];
    private byte[] _current = [];
    private byte[] _stale = [];

    [Params(1, 100, 1_000, 10_000)]
    public int KnownKeys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSignals(o => o.MaxKeysPerSubscription = Math.Max(KnownKeys, 1_000)).AddHttpEndpoints();
        _app = builder.Build();
        _app.MapSignals();
        _sync = ((IEndpointRouteBuilder)_app).DataSources
            .SelectMany(static source => source.Endpoints)
            .Single(static endpoint => endpoint.DisplayName == "Signals sync")
            .RequestDelegate ?? throw new InvalidOperationException("The sync endpoint has no request delegate.");

        _hub = _app.Services.GetRequiredService<SignalHub>();
        _known = new KeyValuePair<SignalKey, long>[KnownKeys];
        for (int i = 0; i < KnownKeys; i++)
        {
            var version = new SignalVersion(SignalKey.Create("bench:item", SignalKey.FormatArgument(i)), i + 1, null, DateTimeOffset.UnixEpoch);
            _hub.Publish(version);
            _known[i] = new(version.Key, version.Version);
        }

        _current = Body(static version => version);
        _stale = Body(static version => version - 1);
        foreach (byte[] body in (byte[][])[_current, _stale])
        {
            int status = InvokeAsync(body).GetAwaiter().GetResult();
            if (status != StatusCodes.Status200OK)
            {
                throw new InvalidOperationException($"The sync endpoint answered {status} in set-up.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public Task<int> All_current() => InvokeAsync(_current);

    [Benchmark]
    public Task<int> All_changed() => InvokeAsync(_stale);

    [Benchmark]
    public int Hub_lookups()
    {
        int changed = 0;
        foreach ((SignalKey key, long version) in _known)
        {
            changed += _hub.TryGetHeldVersion(key, out SignalVersion held) && held.Version == version ? 0 : 1;
        }

        return changed;
    }

    private byte[] Body(Func<long, long> version)
        => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["known"] = _known.ToDictionary(static pair => pair.Key.Value, pair => version(pair.Value)),
        });

    private async Task<int> InvokeAsync(byte[] body)
    {
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/signals/sync";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        await _sync(context);
        return context.Response.StatusCode;
    }
}
