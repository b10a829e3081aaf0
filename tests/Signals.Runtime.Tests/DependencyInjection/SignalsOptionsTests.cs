using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Signals.Runtime.Tests.DependencyInjection;

/// <summary><see cref="SignalsOptions"/>: bound from the <c>Signals</c> section, validated at start (what the host runs, <see cref="IStartupValidator"/>).</summary>
public sealed class SignalsOptionsTests
{
    [Fact]
    public void Options_bind_from_the_Signals_section_and_code_runs_after_it()
    {
        using ServiceProvider provider = Services(new() { ["Signals:InstanceId"] = "from-config", ["Signals:MaxKeysPerSubscription"] = "7" })
            .AddSignals(o => o.MaxKeysPerSubscription = 8).Services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        SignalsOptions options = provider.GetRequiredService<IOptions<SignalsOptions>>().Value;
        Assert.Equal("from-config", options.InstanceId);
        Assert.Equal(8, options.MaxKeysPerSubscription);
        Assert.Equal("Signals", SignalsOptions.SectionName);
    }

    [Theory]
    [InlineData(nameof(SignalsOptions.InstanceId), " ")]
    [InlineData(nameof(SignalsOptions.MaxKeysPerSubscription), "0")]
    [InlineData(nameof(SignalsOptions.MaxKeysPerSubscription), "-5")]
    public void A_bad_value_fails_at_start_naming_the_option(string option, string value)
    {
        using ServiceProvider provider = Services(new() { [$"Signals:{option}"] = value }).AddSignals().Services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains($"SignalsOptions.{option}", error.Message, StringComparison.Ordinal);
        Assert.Single(error.Failures);
    }

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }
}
