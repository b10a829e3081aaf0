using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Signals.Runtime.Tests.DependencyInjection;

/// <summary>
/// <see cref="SignalProducerOptions"/>: bound from the <c>Signals:Producers</c> section by <c>AddSignalProducer</c>, validated at start
/// (what the host runs, <see cref="IStartupValidator"/>).
/// </summary>
public sealed class SignalProducerOptionsTests
{
    [Fact]
    public void Options_bind_from_the_Signals_Producers_section_and_code_runs_after_it()
    {
        ServiceCollection services = Services(new()
        {
            ["Signals:Producers:GracePeriod"] = "00:00:03",
            ["Signals:Producers:LockRetryInterval"] = "00:00:00.250",
            ["Signals:Producers:MaxRestartDelay"] = "00:01:00",
        });
        services.AddSignals().AddSignalProducer("time:room:{RoomId}", static (_, _, _) => Task.CompletedTask);
        services.Configure<SignalProducerOptions>(o => o.MaxRestartDelay = TimeSpan.FromSeconds(7));
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        SignalProducerOptions options = provider.GetRequiredService<IOptions<SignalProducerOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(3), options.GracePeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.LockRetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RestartDelay);
        Assert.Equal(TimeSpan.FromSeconds(7), options.MaxRestartDelay);
        Assert.Equal("Signals:Producers", SignalProducerOptions.SectionName);
    }

    [Theory]
    [InlineData(nameof(SignalProducerOptions.GracePeriod), "00:00:00")]
    [InlineData(nameof(SignalProducerOptions.LockRetryInterval), "-00:00:01")]
    [InlineData(nameof(SignalProducerOptions.RestartDelay), "00:00:00.001")]
    [InlineData(nameof(SignalProducerOptions.MaxRestartDelay), "2.00:00:00")]
    public void A_bad_value_fails_at_start_naming_the_option(string option, string value)
    {
        ServiceCollection services = Services(new() { [$"Signals:Producers:{option}"] = value });
        services.AddSignals().AddSignalProducer("time:room:{RoomId}", static (_, _, _) => Task.CompletedTask);
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        Assert.Single(error.Failures);
    }

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }
}
