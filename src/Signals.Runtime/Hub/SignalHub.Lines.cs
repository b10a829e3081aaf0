namespace Signals;

/// <content>
/// Keys of namespaces on databases of their own (<c>MapNamespace(name, ns =&gt; ns.UseEntityFrameworkCore&lt;TContext&gt;())</c>): their
/// versions are another database's outbox ids, which no settled cursor follows, so where a client may know a newer version than this
/// instance holds (it read it on another instance, whose dispatcher of that database is ahead), the hub reads the key from its
/// database again instead of waiting for a cursor.
/// </content>
public sealed partial class SignalHub
{
    /// <summary>
    /// Gets the current versions of keys (<see cref="GetVersionsAsync"/>), each at least the version the client knows when the key is on a
    /// database of its own: such a key held here below <paramref name="known"/> is read from its database again (what the client knows
    /// committed there, so the read has it or a newer one), and the hub keeps the higher version.
    /// </summary>
    /// <param name="keys">The keys.</param>
    /// <param name="known">The version the client knows of each key, index by index.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The version of each key, index by index.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>A failed database read is thrown as it is.</remarks>
    internal async ValueTask<SignalVersion[]> GetVersionsAtLeastAsync(IReadOnlyList<SignalKey> keys, IReadOnlyList<long> known, CancellationToken cancellationToken)
    {
        SignalVersion[] versions = await GetVersionsAsync(keys, cancellationToken).ConfigureAwait(false);
        if (!HasDatabaseLines)
        {
            return versions;
        }

        List<SignalKey>? behind = null;
        for (int i = 0; i < versions.Length; i++)
        {
            if (versions[i].Version < known[i] && IsOnDatabaseLine(keys[i]))
            {
                (behind ??= []).Add(keys[i]);
            }
        }

        if (behind is null)
        {
            return versions;
        }

        await RereadAsync(behind, cancellationToken).ConfigureAwait(false);
        return await GetVersionsAsync(keys, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets whether some keys are on databases of their own, read through the hub's source (not in stateless serving, which reads every key).</summary>
    private bool HasDatabaseLines => _namespaces.Databases.Count > 0 && IsCaching;

    /// <summary>
    /// Before a subscription starts (resumed from a cursor or not): reads the keys of namespaces on databases of their own that the hub
    /// holds again from their database, so the subscription starts with their current version, not an older one this instance's
    /// dispatcher of that database has not replaced yet (no cursor covers them; see <see cref="SignalSubscription.Takes"/>). One query
    /// per stream opened, for its held keys of such namespaces only.
    /// </summary>
    /// <param name="keys">The keys about to be watched.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    private async ValueTask RereadHeldDatabaseKeysAsync(IEnumerable<SignalKey> keys, CancellationToken cancellationToken)
    {
        if (!HasDatabaseLines)
        {
            return;
        }

        List<SignalKey> held = [.. keys.Where(k => !k.IsDefault && IsOnDatabaseLine(k) && TryGetHeldVersion(k, out _)).Distinct(SignalKeyComparer.Instance)];
        if (held.Count > 0)
        {
            await RereadAsync(held, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads keys from their database and publishes what was read: an entry keeps the higher version, subscribers get a newer one.</summary>
    private async Task RereadAsync(List<SignalKey> keys, CancellationToken cancellationToken)
    {
        IReadOnlyList<SignalVersion> read = await _source!.ReadVersionsAsync(keys, cancellationToken).ConfigureAwait(false);
        _metrics?.RecordVersionReads(keys.Count);
        _ = Publish(read);
    }

    private bool IsOnDatabaseLine(SignalKey key) => _namespaces.StoreOf(key) == SignalNamespaceStore.EntityFrameworkCore;
}
