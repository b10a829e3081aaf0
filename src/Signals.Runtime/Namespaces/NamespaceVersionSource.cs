using System.Collections.Frozen;

namespace Signals;

/// <summary>
/// The hub's version source of an app with namespaces on databases of their own: each key is read from its namespace's database, the
/// others from the app's (one query per database a read touches, run together).
/// </summary>
/// <param name="namespaces">Which namespace each key is in.</param>
/// <param name="app">The app's source; it also says whether dispatchers publish changes (stateless serving applies to every database).</param>
/// <param name="databases">The source of each namespace on a database of its own.</param>
internal sealed class NamespaceVersionSource(
    SignalNamespaces namespaces, ISignalVersionSource app, FrozenDictionary<string, ISignalVersionSource> databases) : ISignalVersionSource
{
    /// <inheritdoc/>
    public bool PublishesChanges => app.PublishesChanges;

    /// <inheritdoc/>
    public TimeSpan PollInterval => app.PollInterval;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SignalVersion>> ReadVersionsAsync(IReadOnlyList<SignalKey> keys, CancellationToken cancellationToken)
    {
        var byLine = new Dictionary<string, List<SignalKey>>(StringComparer.Ordinal);
        List<SignalKey>? own = null;
        foreach (SignalKey key in keys)
        {
            if (namespaces.StoreOf(key) == SignalNamespaceStore.EntityFrameworkCore)
            {
                string ns = key.Namespace;
                if (!byLine.TryGetValue(ns, out List<SignalKey>? list))
                {
                    byLine[ns] = list = [];
                }

                list.Add(key);
            }
            else
            {
                (own ??= []).Add(key);
            }
        }

        if (byLine.Count == 0)
        {
            return await app.ReadVersionsAsync(keys, cancellationToken).ConfigureAwait(false);
        }

        List<Task<IReadOnlyList<SignalVersion>>> reads = [.. byLine.Select(e => databases[e.Key].ReadVersionsAsync(e.Value, cancellationToken))];
        if (own is not null)
        {
            reads.Add(app.ReadVersionsAsync(own, cancellationToken));
        }

        IReadOnlyList<SignalVersion>[] read = await Task.WhenAll(reads).ConfigureAwait(false);
        return [.. read.SelectMany(static r => r)];
    }
}
