using System.Collections.Concurrent;

namespace Signals.EntityFrameworkCore;

/// <summary>Finds the <see cref="OutboxSignaler"/> of a context type (or of its nearest registered base type).</summary>
/// <param name="signalers">The signalers registered by <c>AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>.</param>
internal sealed class OutboxSignalerRegistry(IEnumerable<OutboxSignaler> signalers)
{
    private readonly Dictionary<Type, OutboxSignaler> _registered = signalers.ToDictionary(static s => s.ContextType);
    private readonly ConcurrentDictionary<Type, OutboxSignaler?> _resolved = new();

    /// <summary>Finds the signaler for a context type.</summary>
    /// <param name="contextType">The runtime type of the context.</param>
    /// <returns>The signaler, or <see langword="null"/> when no dispatcher is registered for the type.</returns>
    public OutboxSignaler? Find(Type contextType) => _resolved.GetOrAdd(contextType, static (type, registered) =>
    {
        for (Type? candidate = type; candidate is not null; candidate = candidate.BaseType)
        {
            if (registered.TryGetValue(candidate, out OutboxSignaler? signaler))
            {
                return signaler;
            }
        }

        return null;
    }, _registered);
}
