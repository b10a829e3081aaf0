using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace Signals.EntityFrameworkCore;

/// <summary>Adds <see cref="CaptureConvention"/> last among the model-finalizing conventions (after the type mappings are set).</summary>
/// <param name="options">The context's options, for its Signals provider.</param>
internal sealed class CaptureConventionSetPlugin(IDbContextOptions options) : IConventionSetPlugin
{
    /// <inheritdoc/>
    public ConventionSet ModifyConventions(ConventionSet conventionSet)
    {
        ArgumentNullException.ThrowIfNull(conventionSet);
        OutboxProvider provider = options.FindExtension<SignalsOptionsExtension>()?.Provider ?? PollingOutboxProvider.Instance;
        conventionSet.ModelFinalizingConventions.Add(new CaptureConvention(provider.Capture, provider.Name));
        return conventionSet;
    }
}
