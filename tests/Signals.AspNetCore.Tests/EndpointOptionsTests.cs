using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Signals.AspNetCore.Tenancy;

namespace Signals.AspNetCore.Tests;

/// <summary><see cref="SignalsEndpointOptions"/> and <see cref="SignalTenancyOptions"/>: bound from their sections, validated when the host starts.</summary>
public sealed class EndpointOptionsTests
{
    [Fact]
    public void Options_bind_from_their_configuration_sections_and_code_runs_after_them()
    {
        using IHost host = Build(new()
        {
            ["Signals:Endpoints:HeartbeatInterval"] = "00:00:07",
            ["Signals:Endpoints:MaxLongPollWait"] = "00:00:09",
            ["Signals:Endpoints:EventType"] = "update",
            ["Signals:Endpoints:NamespacePolicies:billing"] = "billing-readers",
            ["Signals:Tenancy:SharedNamespaces:0"] = "shop",
        }, o => o.MaxLongPollWait = TimeSpan.FromSeconds(3));

        SignalsEndpointOptions endpoints = host.Services.GetRequiredService<IOptions<SignalsEndpointOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(7), endpoints.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), endpoints.MaxLongPollWait);
        Assert.Equal("update", endpoints.EventType);
        Assert.Equal("billing-readers", endpoints.NamespacePolicies["billing"]);
        Assert.Equal(["shop"], host.Services.GetRequiredService<IOptions<SignalTenancyOptions>>().Value.SharedNamespaces);
        Assert.Equal("Signals:Endpoints", SignalsEndpointOptions.SectionName);
        Assert.Equal("Signals:Tenancy", SignalTenancyOptions.SectionName);
    }

    [Theory]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.HeartbeatInterval), "-00:00:01")]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.HeartbeatInterval), "1.00:00:01")]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.ReconnectionInterval), "2.00:00:00")]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.MaxLongPollWait), "-00:00:01")]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.CatchUpTimeout), "00:00:00")]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.MaxRequestBodySize), "0")]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.MaxValueBodySize), "-1")]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.EventType), "")]
    [InlineData("Endpoints", nameof(SignalsEndpointOptions.NamespacePolicies) + ":bad ns", "policy")]
    [InlineData("Tenancy", nameof(SignalTenancyOptions.SharedNamespaces) + ":0", "not a namespace")]
    public async Task A_bad_value_fails_at_start_naming_the_option(string section, string option, string value)
    {
        using IHost host = Build(new() { [$"Signals:{section}:{option}"] = value });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        string type = section == "Endpoints" ? nameof(SignalsEndpointOptions) : nameof(SignalTenancyOptions);
        Assert.Contains($"{type}.{option.Split(':')[0]}", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<SignalsEndpointOptions>? configure = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSignals().AddHttpEndpoints(configure).AddTenantResolver(static _ => "tenant");
        return builder.Build();
    }
}
