using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>Adds <see cref="CaptureConvention"/> last among the model-finalizing conventions (after the type mappings are set).</summary>
/// <param name="options">The context's options, for its Signals provider.</param>
/// <param name="typeMappings">The provider's type mappings (the convention runs before EF Core stores them on the properties).</param>
internal sealed class CaptureConventionSetPlugin(IDbContextOptions options, ITypeMappingSource typeMappings) : IConventionSetPlugin
{
    /// <inheritdoc/>
    public ConventionSet ModifyConventions(ConventionSet conventionSet)
    {
        ArgumentNullException.ThrowIfNull(conventionSet);
        OutboxProvider provider = options.FindExtension<SignalsOptionsExtension>()?.Provider ?? PollingOutboxProvider.Instance;
        conventionSet.ModelFinalizingConventions.Add(new CaptureConvention(provider.Capture, provider.Name, typeMappings));
        return conventionSet;
    }
}
