using System.Collections.Frozen;

namespace Signals;

/// <summary>
/// The namespaces mapped to a store of their own (<see cref="SignalNamespacesOptions"/>), as the hub, the stores and the endpoints ask
/// about them: is a key instance-local (<see cref="SignalNamespaceStore.InMemory"/>)?
/// </summary>
/// <remarks>
/// An instance-local key's versions are on a line of their own (see <see cref="NextLocalVersion"/>): they never move the hub's
/// <see cref="SignalHub.Cursor"/> or <see cref="SignalHub.SettledCursor"/>, never enter a resume cursor, and never hold a resume or a
/// sync for catch-up, so the guarantees of persisted keys hold as if the namespace did not exist.
/// </remarks>
internal sealed class SignalNamespaces
{
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _local;
    private long _lastLocalVersion;

    private SignalNamespaces(FrozenSet<string> local)
    {
        _local = local.GetAlternateLookup<ReadOnlySpan<char>>();
        HasLocal = local.Count > 0;
    }

    /// <summary>Gets the map of an app that maps no namespace.</summary>
    public static SignalNamespaces None { get; } = new(FrozenSet<string>.Empty);

    /// <summary>Gets whether any namespace is instance-local.</summary>
    public bool HasLocal { get; }

    /// <summary>Builds the map from validated options.</summary>
    public static SignalNamespaces From(SignalNamespacesOptions options)
        => new(options.Namespaces.Where(static e => e.Value?.Store == SignalNamespaceStore.InMemory).Select(static e => e.Key).ToFrozenSet(StringComparer.Ordinal));

    /// <summary>Gets whether <paramref name="key"/> is in an instance-local namespace: its versions and values never leave this process.</summary>
    public bool IsLocal(SignalKey key)
    {
        if (!HasLocal || key.IsDefault)
        {
            return false;
        }

        string value = key.Value;
        int separator = value.IndexOf(SignalKey.Separator, StringComparison.Ordinal);
        return _local.Contains(separator < 0 ? value : value.AsSpan(0, separator));
    }

    /// <summary>
    /// Draws the next version of an instance-local key: microseconds since the Unix epoch by <paramref name="now"/>, or one more than the
    /// last version drawn when the clock has not moved past it (a hybrid logical clock). Strictly increasing in the process; across
    /// instances and restarts it follows the wall clock, so a client that moves to another instance (or reconnects after a restart)
    /// usually finds later changes there above the versions it saw. Until about the year 2255 it stays below 2^53, exact in JavaScript.
    /// </summary>
    public long NextLocalVersion(DateTimeOffset now)
    {
        long clock = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        long last = Volatile.Read(ref _lastLocalVersion);
        while (true)
        {
            long next = Math.Max(clock, last + 1);
            long seen = Interlocked.CompareExchange(ref _lastLocalVersion, next, last);
            if (seen == last)
            {
                return next;
            }

            last = seen;
        }
    }
}
