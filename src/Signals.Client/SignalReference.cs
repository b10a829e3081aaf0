namespace Signals.Client;

/// <summary>One key on one client: what generated typed accessors return (<c>client.ChatMessage().Room("general")</c>).</summary>
/// <param name="client">The client.</param>
/// <param name="key">The key.</param>
public readonly struct SignalReference(ISignalsClient client, SignalKey key)
{
    /// <summary>Gets the client.</summary>
    public ISignalsClient Client { get; } = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>Gets the key.</summary>
    public SignalKey Key { get; } = key;

    /// <summary>Watches the key (see <see cref="ISignalsClient.WatchAsync"/>).</summary>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The key's versions, as they arrive.</returns>
    public IAsyncEnumerable<SignalVersion> WatchAsync(CancellationToken cancellationToken = default) => Client.WatchAsync([Key], cancellationToken);

    /// <summary>Reads the key's current version: the number sync and the event stream report.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key's version; 0 when it never changed.</returns>
    /// <remarks>For the hash and the time of the change as well, use <see cref="GetStateAsync"/>.</remarks>
    public async ValueTask<long> GetVersionAsync(CancellationToken cancellationToken = default)
        => (await GetStateAsync(cancellationToken).ConfigureAwait(false)).Version;

    /// <summary>Reads the key's current state: version, hash and the time of its latest change.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key's state; <see cref="SignalVersion.Initial(SignalKey)"/> (version 0) when it never changed.</returns>
    public async ValueTask<SignalVersion> GetStateAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<SignalVersion> changed = await Client.SyncAsync(new Dictionary<SignalKey, long> { [Key] = 0 }, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return changed.Count == 0 ? SignalVersion.Initial(Key) : changed[0];
    }
}
