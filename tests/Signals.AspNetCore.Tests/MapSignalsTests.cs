using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signals.AspNetCore;
using Signals.Protocol;

namespace Signals.AspNetCore.Tests;

public sealed class MapSignalsTests
{
    [Fact]
    public async Task MapSignals_without_AddSignals_throws_naming_the_missing_call()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        await using WebApplication app = builder.Build();

        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => app.MapSignals());
        Assert.Contains("AddSignals()", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapSignals_without_AddHttpEndpoints_throws_naming_the_missing_call()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSignals();
        await using WebApplication app = builder.Build();

        InvalidOperationException signals = Assert.Throws<InvalidOperationException>(() => app.MapSignals());
        InvalidOperationException reality = Assert.Throws<InvalidOperationException>(() => app.MapRealityCompatibility());
        Assert.Contains("AddSignals().AddHttpEndpoints()", signals.Message, StringComparison.Ordinal);
        Assert.Equal(signals.Message, reality.Message);
    }

    [Fact]
    public async Task MapSignals_with_invalid_options_throws_listing_the_failures()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSignals().AddHttpEndpoints();
        builder.Services.Configure<SignalsEndpointOptions>(o =>
        {
            o.MaxRequestBodySize = 0;
            o.EventType = "a\nb";
            o.CatchUpTimeout = TimeSpan.Zero;
        });
        await using WebApplication app = builder.Build();

        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(() => app.MapSignals());
        Assert.Contains(exception.Failures, f => f.Contains("MaxRequestBodySize", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("EventType", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("CatchUpTimeout must be greater than 0", StringComparison.Ordinal));
    }

    [Fact]
    public void AddHttpEndpoints_is_idempotent_and_applies_each_configuration_in_order()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSignals().AddHttpEndpoints(o => o.HeartbeatInterval = TimeSpan.FromSeconds(1));
        int registrations = services.Count;
        services.AddSignals().AddHttpEndpoints(o => o.MaxLongPollWait = TimeSpan.FromSeconds(2)).AddHttpEndpoints();

        Assert.Equal(registrations + 1, services.Count); // only the second Configure
        using ServiceProvider provider = services.BuildServiceProvider();
        SignalsEndpointOptions options = provider.GetRequiredService<IOptions<SignalsEndpointOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(1), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxLongPollWait);
        Assert.Equal(1024 * 1024, options.MaxRequestBodySize);
    }

    [Fact]
    public void AddHttpEndpoints_validates_the_options()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSignals().AddHttpEndpoints(o => o.HeartbeatInterval = TimeSpan.FromSeconds(-1));
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IOptions<SignalsEndpointOptions>>().Value);
        Assert.Contains("HeartbeatInterval", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapSignals_uses_the_pattern_and_returns_the_group_for_conventions()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(map: app => app.MapSignals("/api/rt")
            .AddEndpointFilter(async (context, next) =>
            {
                context.HttpContext.Response.Headers["X-Group"] = "yes";
                return await next(context);
            }));

        using HttpResponseMessage response = await host.Client.PostAsync(
            "/api/rt/sync", new StringContent("""{"known": {}}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        using HttpResponseMessage old = await host.Client.PostAsync(
            "/signals/sync", new StringContent("""{"known": {}}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await TestServerHost.ReadJsonAsync(response);
        Assert.Equal(["yes"], response.Headers.GetValues("X-Group"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, old.StatusCode);
    }

    [Fact]
    public async Task Endpoints_have_display_names()
    {
        await using TestServerHost host = await TestServerHost.StartAsync();
        string[] names = host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.DisplayName ?? "").Where(n => n.StartsWith("Signals", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            [
                "Signals (no such endpoint)", "Signals browser client", "Signals browser client", "Signals browser client (other methods)",
                "Signals browser client (other methods)", "Signals catalog",
                "Signals catalog (other methods)", "Signals changes", "Signals changes (other methods)", "Signals events", "Signals events (other methods)", "Signals key builders", "Signals key builders",
                "Signals key builders (other methods)", "Signals key builders (other methods)", "Signals mesh", "Signals mesh (other methods)",
                "Signals sync", "Signals sync (other methods)",
                "Signals value", "Signals value (other methods)",
            ],
            names);
    }

    [Fact]
    public void Protocol_DTOs_serialize_to_the_wire_shape()
    {
        var request = new SyncRequest
        {
            Known = new Dictionary<SignalKey, long> { [SignalKey.Parse("chat:room:general")] = 5 },
            Mode = SyncMode.SseCompat,
            Hint = SyncHint.Reconnect,
            WaitMs = 1000,
        };

        string json = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);

        Assert.Equal("""{"known":{"chat:room:general":5},"mode":"sse-compat","hint":"reconnect","waitMs":1000}""", json);
        SyncRequest back = JsonSerializer.Deserialize<SyncRequest>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(5, back.Known[SignalKey.Parse("chat:room:general")]);
        Assert.Equal(SyncMode.SseCompat, back.Mode);
        Assert.Equal(SyncHint.Reconnect, back.Hint);
    }
}
