using Microsoft.Extensions.DependencyInjection;

namespace Signals;

/// <summary>Configures Signals services; returned by <c>AddSignals()</c> so packages can chain their own registrations.</summary>
public interface ISignalsBuilder
{
    /// <summary>Gets the service collection Signals is registered in.</summary>
    IServiceCollection Services { get; }
}
