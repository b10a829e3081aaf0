namespace Signals.EntityFrameworkCore;

/// <summary>
/// The application's mapped namespaces (<c>MapNamespace</c>) as a context's options carry them: which keys the context may write into its
/// outbox (those on its version line: the app's keys for the app's context, one namespace's keys for a context mapped with
/// <c>UseEntityFrameworkCore&lt;TContext&gt;()</c>), and where <c>InvalidateSignals(Async)</c> sends the keys of instance-local namespaces.
/// </summary>
/// <param name="Namespaces">Which namespace is stored where.</param>
/// <param name="LocalStore">The store of the instance-local namespaces (in memory, on this instance's local version line); <see langword="null"/> when none is mapped.</param>
/// <param name="Line">The namespace whose database this context is; <see langword="null"/> for the app's own context.</param>
/// <param name="ContextType">The context type, for error messages.</param>
internal sealed record ContextNamespaces(SignalNamespaces Namespaces, ISignalStore? LocalStore, string? Line, Type ContextType)
{
    /// <summary>Throws when a key may not be written into this context's outbox; nothing is written then.</summary>
    /// <param name="key">The key a save or an invalidation would write.</param>
    /// <param name="invalidation">Whether the key comes from <c>InvalidateSignals(Async)</c> (which sends instance-local keys to their store) rather than a save.</param>
    /// <exception cref="InvalidOperationException">The key is on another version line (another context's, or instance-local in a save).</exception>
    public void ThrowIfNotOurs(SignalKey key, bool invalidation)
    {
        SignalNamespaceStore store = Namespaces.StoreOf(key);
        if (store == SignalNamespaceStore.InMemory)
        {
            if (!invalidation)
            {
                throw new InvalidOperationException(
                    $"The save would record a change of '{key}', whose namespace '{key.Namespace}' is mapped to the instance-local in-memory store "
                    + "(MapNamespace(…, ns => ns.UseInMemory()) or Signals:Namespaces): a change of data in the database must reach every instance, "
                    + "so it cannot be announced on this instance only. Nothing was saved. Declare the entity in a namespace that is not mapped, or "
                    + "write the ephemeral key with ISignalStore.InvalidateAsync or a value signal instead.");
            }

            return;
        }

        string? line = store == SignalNamespaceStore.EntityFrameworkCore ? key.Namespace : null;
        if (string.Equals(line, Line, StringComparison.Ordinal))
        {
            return;
        }

        string what = invalidation ? "InvalidateSignals" : "The save";
        string where = line is null
            ? "the app's own outbox context"
            : $"the namespace '{line}', on a context of its own (MapNamespace(\"{line}\", ns => ns.UseEntityFrameworkCore<…>()))";
        string mine = Line is null ? "the app's own outbox context" : $"mapped to the namespace '{Line}'";
        throw new InvalidOperationException(
            $"{what} on '{ContextType.Name}' ({mine}) would record a change of '{key}', which belongs to {where}: its versions are that "
            + "database's outbox ids, and a row in this database would never reach its subscribers in order. Nothing was written. Save "
            + (line is null ? "it through the app's own context." : $"the namespace's data through its own context, or write the key with ISignalStore.InvalidateAsync."));
    }
}
