using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Storage;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Resolves the capture requests of <c>HasSignalCapture()</c> when the model is finalized: each captured entity type gets its
/// <see cref="CapturedTable"/> description (from the generator's catalog and the model's columns), or the model fails to build with an
/// error naming the entity, the property and the type that cannot be captured.
/// </summary>
/// <param name="dialect">The provider's capture dialect, or <see langword="null"/> when the provider has none.</param>
/// <param name="providerName">The Signals provider's name, for messages.</param>
/// <param name="typeMappings">The provider's type mappings, for the columns' store types and converters.</param>
internal sealed class CaptureConvention(CaptureDialect? dialect, string providerName, ITypeMappingSource typeMappings) : IModelFinalizingConvention
{
    /// <inheritdoc/>
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        IConventionModel model = modelBuilder.Metadata;
        bool all = model.FindAnnotation(CaptureAnnotations.CaptureAll)?.Value is true;
        SignalCaptureMechanism modelMechanism = model.FindAnnotation(CaptureAnnotations.Mechanism)?.Value is string name
            ? Enum.Parse<SignalCaptureMechanism>(name)
            : SignalCaptureMechanism.Triggers;
        model.RemoveAnnotation(CaptureAnnotations.CaptureAll);
        model.RemoveAnnotation(CaptureAnnotations.Mechanism);
        IConventionEntityType? outbox = model.FindEntityType(typeof(SignalOutboxEntry));
        foreach (IConventionEntityType type in model.GetEntityTypes())
        {
            object? request = type.FindAnnotation(CaptureAnnotations.Capture)?.Value;
            if (request is string)
            {
                continue;
            }

            bool captured = request as bool? ?? (all && typeof(ISignalSource).IsAssignableFrom(type.ClrType) && !type.IsOwned() && type.GetTableName() is not null);
            SignalCaptureMechanism mechanism = type.FindAnnotation(CaptureAnnotations.Mechanism)?.Value is string own ? Enum.Parse<SignalCaptureMechanism>(own) : modelMechanism;
            type.RemoveAnnotation(CaptureAnnotations.Capture);
            type.RemoveAnnotation(CaptureAnnotations.Mechanism);
            if (!captured)
            {
                continue;
            }

            if (dialect is null)
            {
                throw new InvalidOperationException(
                    $"Signal capture of '{type.DisplayName()}' needs a database that Signals writes triggers for: call UseSignals(s => s.UsePostgreSql()) " +
                    $"or UseSignals(s => s.UseSqlite()); the context uses {providerName}.");
            }

            if (outbox is null)
            {
                throw new InvalidOperationException(
                    $"Signal capture of '{type.DisplayName()}' writes into the Signals outbox, which the model does not map: call modelBuilder.AddSignalsOutbox().");
            }

            type.SetAnnotation(CaptureAnnotations.Capture, CaptureDescriber.Describe(type, outbox, dialect, typeMappings, mechanism).ToJson());
        }
    }
}
