using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Signals.Client;

/// <summary>One value signal on one client: what generated typed accessors of <see cref="SignalValueAttribute"/> types return (<c>client.Theme()</c>).</summary>
/// <typeparam name="T">The value signal's type.</typeparam>
/// <param name="client">The client.</param>
/// <param name="key">The value signal's key.</param>
/// <param name="defaultValue">Creates the value readers see when nothing is stored.</param>
public readonly struct SignalValueReference<T>(ISignalsClient client, SignalKey key, Func<T> defaultValue)
{
    private readonly Func<T> _defaultValue = defaultValue ?? throw new ArgumentNullException(nameof(defaultValue));

    /// <summary>Gets the client.</summary>
    public ISignalsClient Client { get; } = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>Gets the key.</summary>
    public SignalKey Key { get; } = key;

    /// <summary>Reads the current value.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored value, or the default when nothing is stored.</returns>
    /// <exception cref="SignalValueFormatException">The stored value does not deserialize to <typeparamref name="T"/>; the message names the key, its version and the type.</exception>
    public async ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
        => (await GetWithVersionAsync(cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Reads the current value and its version.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The value and its version (version 0 with the default when nothing is stored).</returns>
    /// <exception cref="SignalValueFormatException">The stored value does not deserialize to <typeparamref name="T"/>; the message names the key, its version and the type.</exception>
    public async ValueTask<SignalValue<T>> GetWithVersionAsync(CancellationToken cancellationToken = default)
    {
        SignalValue<JsonElement>? stored = await Client.GetValueAsync(Key, cancellationToken).ConfigureAwait(false);
        return stored is null ? new SignalValue<T>(SignalVersion.Initial(Key), _defaultValue()) : SignalValueStoreExtensions.Deserialize<T>(stored);
    }

    /// <summary>Stores a value (over HTTP, <c>PUT {prefix}/values/{key}</c>, which the server maps with <c>MapSignalValueWrites()</c>).</summary>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored value and its version (unchanged when the value equals the stored one).</returns>
    public async ValueTask<SignalValue<T>> SetAsync(T value, CancellationToken cancellationToken = default)
    {
        SignalValue<JsonElement> stored = await Client.SetValueAsync(Key, SignalValueStoreExtensions.Serialize(value), cancellationToken).ConfigureAwait(false);
        return new SignalValue<T>(stored.State, value);
    }

    /// <summary>
    /// Updates the value from its current value (<c>current =&gt; current with { Mode = "light" }</c>) with optimistic concurrency: reads
    /// the value and its version, applies <paramref name="update"/>, and stores the result only if the key is still at that version
    /// (<see cref="ISignalsClient.TrySetValueAsync"/>, over HTTP <c>If-Match</c>); when another writer got there first, it starts over
    /// from the new value after a short jittered wait, so concurrent updaters never lose an update.
    /// </summary>
    /// <param name="update">Computes the new value from the current one; it may run once per attempt, so it must not have side effects.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The stored value and its version.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    /// <exception cref="SignalValueConflictException">The update lost to concurrent writers 100 times in a row; nothing was written.</exception>
    /// <exception cref="SignalValueFormatException">The stored value does not deserialize to <typeparamref name="T"/>; nothing was written.</exception>
    public ValueTask<SignalValue<T>> UpdateAsync(Func<T, T> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        SignalValueReference<T> reference = this;
        return SignalValueUpdate.RunAsync(
            Key,
            reference.GetWithVersionAsync,
            (value, expectedVersion, ct) => reference.Client.TrySetValueAsync(reference.Key, value, expectedVersion, ct),
            update,
            cancellationToken);
    }

    /// <summary>Watches the value: yields the current value, then the new value after every change of the key's version.</summary>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The values, as they change.</returns>
    public IAsyncEnumerable<T> WatchAsync(CancellationToken cancellationToken = default) => WatchCoreAsync(Client, Key, _defaultValue, cancellationToken);

    private static async IAsyncEnumerable<T> WatchCoreAsync(ISignalsClient client, SignalKey key, Func<T> defaultValue, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reference = new SignalValueReference<T>(client, key, defaultValue);
        SignalValue<T> first = await reference.GetWithVersionAsync(cancellationToken).ConfigureAwait(false);
        long yielded = first.Version;
        yield return first.Value;
        await foreach (SignalVersion version in client.WatchAsync([key], cancellationToken).ConfigureAwait(false))
        {
            if (version.Version <= yielded)
            {
                continue;
            }

            SignalValue<T> current = await reference.GetWithVersionAsync(cancellationToken).ConfigureAwait(false);
            yielded = Math.Max(version.Version, current.Version);
            yield return current.Value;
        }
    }
}
