using System.Collections.Frozen;

namespace Signals;

/// <summary>
/// The namespaces mapped to a store of their own (<see cref="SignalNamespacesOptions"/>), as the hub, the stores and the endpoints ask
/// about them: is a key on a version line of its own (<see cref="IsOwnLine"/>), and is it instance-local (<see cref="IsLocal"/>)?
/// </summary>
/// <remarks>
/// <para>
/// A mapped namespace's versions are on a line of their own: the in-memory store's (see <see cref="NextLocalVersion"/>), or the outbox
/// ids of the namespace's own database (<see cref="SignalNamespaceStore.EntityFrameworkCore"/>). They never move the hub's
/// <see cref="SignalHub.Cursor"/> or <see cref="SignalHub.SettledCursor"/>, never enter a resume cursor, and never hold a resume or a
/// sync for catch-up, so the guarantees of the app's own keys hold as if the namespace did not exist.
/// </para>
/// <para>
/// The hub holds an instance-local key whatever the database (there is nowhere to read it from); a key of a namespace on a database of
/// its own is held like any persisted key, and read from that database (<see cref="VersionSource"/>) when the hub does not hold it.
/// </para>
/// </remarks>
internal sealed class SignalNamespaces
{
    private readonly FrozenDictionary<string, SignalNamespaceStore>.AlternateLookup<ReadOnlySpan<char>> _stores;
    private long _lastLocalVersion;

    private SignalNamespaces(FrozenDictionary<string, SignalNamespaceStore> stores)
    {
        _stores = stores.GetAlternateLookup<ReadOnlySpan<char>>();
        HasOwnLines = stores.Count > 0;
        HasLocal = stores.Values.Contains(SignalNamespaceStore.InMemory);
        Databases = [.. stores.Where(static e => e.Value == SignalNamespaceStore.EntityFrameworkCore).Select(static e => e.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>Gets the map of an app that maps no namespace.</summary>
    public static SignalNamespaces None { get; } = new(FrozenDictionary<string, SignalNamespaceStore>.Empty);

    /// <summary>Gets whether any namespace is mapped to a store of its own (and so to a version line of its own).</summary>
    public bool HasOwnLines { get; }

    /// <summary>Gets whether any namespace is instance-local.</summary>
    public bool HasLocal { get; }

    /// <summary>Gets the namespaces stored in a database of their own (<see cref="SignalNamespaceStore.EntityFrameworkCore"/>), in ordinal order.</summary>
    public IReadOnlyList<string> Databases { get; }

    /// <summary>Builds the map from validated options.</summary>
    public static SignalNamespaces From(SignalNamespacesOptions options)
        => new(options.Namespaces.Where(static e => e.Value is { Store: not SignalNamespaceStore.Default })
            .ToFrozenDictionary(static e => e.Key, static e => e.Value.Store, StringComparer.Ordinal));

    /// <summary>
    /// Gets the service key under which a namespace's own store registers its <see cref="ISignalStore"/>, <see cref="ISignalValueStore"/>
    /// and version source (<c>Signals:Namespaces:{name}</c>).
    /// </summary>
    /// <param name="name">The namespace.</param>
    public static string ServiceKey(string name) => "Signals:Namespaces:" + name;

    /// <summary>Gets the store of <paramref name="key"/>'s namespace: <see cref="SignalNamespaceStore.Default"/> for the app's own store.</summary>
    public SignalNamespaceStore StoreOf(SignalKey key)
    {
        if (!HasOwnLines || key.IsDefault)
        {
            return SignalNamespaceStore.Default;
        }

        string value = key.Value;
        int separator = value.IndexOf(SignalKey.Separator, StringComparison.Ordinal);
        return _stores.TryGetValue(separator < 0 ? value : value.AsSpan(0, separator), out SignalNamespaceStore store) ? store : SignalNamespaceStore.Default;
    }

    /// <summary>Gets whether <paramref name="key"/> is in an instance-local namespace: its versions and values never leave this process.</summary>
    public bool IsLocal(SignalKey key) => StoreOf(key) == SignalNamespaceStore.InMemory;

    /// <summary>
    /// Gets whether <paramref name="key"/>'s versions are on a line of their own (any mapped namespace): they never move the hub's cursors,
    /// a resume cursor or a catch-up hold, and a resumed subscription starts with the key's current state.
    /// </summary>
    public bool IsOwnLine(SignalKey key) => StoreOf(key) != SignalNamespaceStore.Default;

    /// <summary>Gets the version line of <paramref name="key"/>: its namespace when mapped to a store of its own, <see langword="null"/> for the app's line.</summary>
    public string? LineOf(SignalKey key) => IsOwnLine(key) ? key.Namespace : null;

    /// <summary>
    /// Gets where the hub reads versions it does not hold: <paramref name="app"/> for the app's keys, and each namespace on a database of
    /// its own from that database's source (<paramref name="resolve"/> by <see cref="ServiceKey"/>).
    /// </summary>
    /// <param name="app">The app's source (the EF Core outbox), or <see langword="null"/> when the hub holds every key.</param>
    /// <param name="resolve">Gets a namespace's source by its service key.</param>
    /// <returns>The source to give the hub.</returns>
    /// <exception cref="InvalidOperationException">A namespace is on a database of its own but the app has no source of its own.</exception>
    public ISignalVersionSource? VersionSource(ISignalVersionSource? app, Func<string, ISignalVersionSource> resolve)
    {
        if (Databases.Count == 0)
        {
            return app;
        }

        if (app is null)
        {
            throw new InvalidOperationException(
                $"The namespaces {string.Join(", ", Databases)} are mapped to databases of their own, but the app's other keys have no database: "
                + "call AddEntityFrameworkCoreOutbox<TContext>() for the app's own context too.");
        }

        return new NamespaceVersionSource(this, app, Databases.ToFrozenDictionary(static ns => ns, ns => resolve(ServiceKey(ns)), StringComparer.Ordinal));
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
