using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Signals.AspNetCore.Authorization;
using Signals.AspNetCore.Tenancy;

namespace Signals.AspNetCore.Tests;

/// <summary>What the endpoints say at start, captured by a real logger provider (<see cref="FakeLoggerProvider"/>) on a real Kestrel host.</summary>
public sealed class StartupWarningTests
{
    private const string Category = "Signals.AspNetCore";

    public static TheoryData<string> ProtectedOrPublic => ["RequireAuthorization", "enclosing group", "AllowAnonymous", "authorizer", "namespace policy", "fallback policy"];

    private sealed class AllowAll : ISignalAuthorizer
    {
        public ValueTask<bool> IsAllowedAsync(SignalAuthorizationContext context, CancellationToken cancellationToken) => ValueTask.FromResult(true);
    }

    [Fact]
    public async Task Endpoints_mapped_without_any_authorization_log_a_warning_at_start_naming_the_prefix_and_the_ways_out()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s => s.AddLogging(b => b.AddFakeLogging()),
            map: app => app.MapGroup("/api").MapSignals("/live"));

        FakeLogRecord warning = Assert.Single(Warnings(host));
        Assert.Contains("/api/live", warning.Message, StringComparison.Ordinal);
        Assert.Contains("without authorization", warning.Message, StringComparison.Ordinal);
        foreach (string way in new[] { "RequireAuthorization", "ISignalAuthorizer", "NamespacePolicies", "AllowAnonymous()" })
        {
            Assert.Contains(way, warning.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ProtectedOrPublic))]
    public async Task No_warning_when_the_app_authorizes_the_endpoints_or_says_they_are_public(string how)
    {
        await using TestServerHost host = await TestServerHost.StartAsync(
            endpoints: o =>
            {
                if (how == "namespace policy")
                {
                    o.NamespacePolicies["chat"] = "members";
                }
            },
            services: s =>
            {
                s.AddLogging(b => b.AddFakeLogging());
                TestAuthentication.AddTo(s);
                s.AddAuthorization(o =>
                {
                    o.AddPolicy("members", p => p.RequireAuthenticatedUser());
                    if (how == "fallback policy")
                    {
                        o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
                    }
                });
                if (how == "authorizer")
                {
                    s.AddSignals().AddSignalAuthorizer<AllowAll>();
                }
            },
            map: app =>
            {
                switch (how)
                {
                    case "RequireAuthorization":
                        app.MapSignals().RequireAuthorization();
                        break;
                    case "enclosing group":
                        app.MapGroup("/api").RequireAuthorization().MapSignals();
                        break;
                    case "AllowAnonymous":
                        app.MapSignals().AllowAnonymous();
                        break;
                    default:
                        app.MapSignals();
                        break;
                }
            });

        // The provider captured the start (the warning would be logged then), and no warning.
        Assert.Contains(host.App.Services.GetFakeLogCollector().GetSnapshot(), static r => r.Category == "Microsoft.Hosting.Lifetime" && r.Message.StartsWith("Application started", StringComparison.Ordinal));
        Assert.Empty(Warnings(host));
    }

    [Fact]
    public async Task Tenancy_warns_at_start_about_declared_signals_no_client_can_name()
    {
        await using TestServerHost host = await TestServerHost.StartAsync(
            services: s =>
            {
                s.AddLogging(b => b.AddFakeLogging());
                s.AddSingleton(new SignalCatalog([
                    new SignalDescriptor("chat:{TenantId}:room:{RoomId}", "Tests.ChatMessage", SignalKind.Family),
                    new SignalDescriptor("shop:products", "Tests.Product", SignalKind.Signal),
                    new SignalDescriptor("app:settings", "Tests.Settings", SignalKind.Value)]));
                s.AddSignals().AddTenantResolver(static (HttpContext _) => "a", o => o.SharedNamespaces.Add("app"));
            },
            map: app => app.MapSignals().AllowAnonymous());

        FakeLogRecord warning = Assert.Single(Warnings(host));
        Assert.Contains("shop:products (Tests.Product)", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("chat:", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("app:settings", warning.Message, StringComparison.Ordinal);
        Assert.Contains("SharedNamespaces", warning.Message, StringComparison.Ordinal);
    }

    private static FakeLogRecord[] Warnings(TestServerHost host)
        => [.. host.App.Services.GetFakeLogCollector().GetSnapshot().Where(static r => r.Category == Category && r.Level >= LogLevel.Warning)];
}
