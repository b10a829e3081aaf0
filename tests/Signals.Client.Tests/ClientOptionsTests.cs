using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Signals.Client.Tests;

/// <summary><see cref="SignalsClientOptions"/>: bound from <c>Signals:Client</c> where the app has configuration, validated when the host starts.</summary>
public sealed class ClientOptionsTests
{
    private static readonly Uri Server = new("http://127.0.0.1:5080");

    [Fact]
    public void Options_bind_from_the_Signals_Client_section_then_the_address_then_code()
    {
        using IHost host = Build(new()
        {
            ["Signals:Client:BaseAddress"] = "http://config.example/",
            ["Signals:Client:PathPrefix"] = "/rt",
            ["Signals:Client:Mode"] = "LongPoll",
            ["Signals:Client:LongPollWait"] = "00:00:07",
        }, o => o.LongPollWait = TimeSpan.FromSeconds(3));

        SignalsClientOptions options = host.Services.GetRequiredService<IOptions<SignalsClientOptions>>().Value;
        Assert.Equal(Server, options.BaseAddress);
        Assert.Equal("/rt", options.PathPrefix);
        Assert.Equal(SignalsClientMode.LongPoll, options.Mode);
        Assert.Equal(TimeSpan.FromSeconds(3), options.LongPollWait);
        Assert.Equal("Signals:Client", SignalsClientOptions.SectionName);
    }

    [Fact]
    public void Without_configuration_the_client_still_resolves()
    {
        using ServiceProvider services = new ServiceCollection().AddLogging().AddSignalsClient(Server, o => o.PathPrefix = "/rt").Services.BuildServiceProvider();

        Assert.Equal("/rt", services.GetRequiredService<IOptions<SignalsClientOptions>>().Value.PathPrefix);
        Assert.IsType<SignalsClient>(services.GetRequiredService<ISignalsClient>());
    }

    [Theory]
    [InlineData(nameof(SignalsClientOptions.PathPrefix), "/signals?x=1")]
    [InlineData(nameof(SignalsClientOptions.Mode), "42")]
    [InlineData(nameof(SignalsClientOptions.StreamOpenTimeout), "00:00:00")]
    [InlineData(nameof(SignalsClientOptions.StreamIdleTimeout), "1.00:00:01")]
    [InlineData(nameof(SignalsClientOptions.FallbackDuration), "-00:00:01")]
    [InlineData(nameof(SignalsClientOptions.LongPollWait), "00:00:00")]
    [InlineData(nameof(SignalsClientOptions.PollingInterval), "00:00:00")]
    [InlineData(nameof(SignalsClientOptions.ReconnectDelay), "-00:00:01")]
    [InlineData(nameof(SignalsClientOptions.MaxReconnectDelay), "00:00:00.5")]
    [InlineData(nameof(SignalsClientOptions.RequestTimeout), "00:00:00")]
    public async Task A_bad_value_fails_at_start_naming_the_option(string option, string value)
    {
        using IHost host = Build(new() { [$"Signals:Client:{option}"] = value });

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(error.Failures, f => f.Contains($"SignalsClientOptions.{option}", StringComparison.Ordinal));
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<SignalsClientOptions>? configure = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging().AddSignalsClient(Server, configure);
        return builder.Build();
    }
}
