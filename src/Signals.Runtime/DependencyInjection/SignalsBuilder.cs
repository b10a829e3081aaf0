using Microsoft.Extensions.DependencyInjection;

namespace Signals;

internal sealed class SignalsBuilder(IServiceCollection services) : ISignalsBuilder
{
    public IServiceCollection Services { get; } = services;
}
