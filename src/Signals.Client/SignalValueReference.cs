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
