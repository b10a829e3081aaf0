namespace Signals.EntityFrameworkCore;

/// <summary>
/// The application's instance-local namespaces (<c>MapNamespace(name, ns =&gt; ns.UseInMemory())</c>) as a context's options carry them:
/// a save that would stage one of their keys fails, and <c>InvalidateSignals(Async)</c> hands their keys to <see cref="Store"/>.
/// </summary>
/// <param name="Namespaces">Which keys are instance-local.</param>
/// <param name="Store">Their store: in memory, on this instance's local version line.</param>
internal sealed record LocalNamespaces(SignalNamespaces Namespaces, ISignalStore Store)
{
    /// <summary>The error of a save whose entities produce a key of an instance-local namespace; nothing of the save was written.</summary>
    public static InvalidOperationException StagedByASave(SignalKey key)
        => new($"The save would record a change of '{key}', whose namespace '{key.Namespace}' is mapped to the instance-local in-memory store "
            + "(MapNamespace(…, ns => ns.UseInMemory()) or Signals:Namespaces): a change of data in the database must reach every instance, "
            + "so it cannot be announced on this instance only. Nothing was saved. Declare the entity in a namespace that is not mapped, or "
            + "write the ephemeral key with ISignalStore.InvalidateAsync or a value signal instead.");
}
