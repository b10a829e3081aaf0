namespace Signals;

/// <summary>
/// What a producer (<c>AddSignalProducer(…)</c>) writes its key with: a value signal's new value, or a bare version bump. Writes go
/// through the app's stores (<see cref="ISignalValueStore"/>, <see cref="ISignalStore"/>), so with the EF Core outbox they reach the
/// subscribers of every instance.
/// </summary>
public sealed class SignalEmitter
{
    private readonly SignalDescriptor? _descriptor;
    private readonly ISignalValueStore _values;
    private readonly ISignalStore _store;

    internal SignalEmitter(SignalKey key, SignalDescriptor? descriptor, ISignalValueStore values, ISignalStore store, IServiceProvider services)
    {
        Key = key;
        Services = services;
        _descriptor = descriptor;
        _values = values;
        _store = store;
    }

    /// <summary>Gets the key the producer produces, e.g. <c>time:room:general</c>.</summary>
    public SignalKey Key { get; }

    /// <summary>Gets the app's services, for what the producer needs (create a scope for scoped services such as a <c>DbContext</c>).</summary>
    public IServiceProvider Services { get; }

    /// <summary>Stores a new value of the key, a value signal (<c>[SignalValue]</c>), and publishes its new version.</summary>
    /// <typeparam name="T">The value's type, serialized as JSON (camelCase, the store's options).</typeparam>
    /// <param name="value">The new value.</param>
    /// <param name="cancellationToken">Cancels the write; the producer's token is the one to pass.</param>
    /// <returns>The stored value with its new version.</returns>
    /// <exception cref="InvalidOperationException">The key is declared, but not as a value signal: use <see cref="InvalidateAsync"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public ValueTask<SignalValue<T>> SetAsync<T>(T value, CancellationToken cancellationToken = default)
    {
        if (_descriptor is { Kind: not SignalKind.Value })
        {
            throw new InvalidOperationException(
                $"'{Key}' is declared by {_descriptor.ClrType} as a {_descriptor.Kind.ToString().ToLowerInvariant()} signal, which carries no value: call InvalidateAsync() to announce a change, or declare it with [SignalValue(\"{_descriptor.Pattern}\")].");
        }

        return _values.SetAsync(Key, value, cancellationToken);
    }

    /// <summary>Bumps the key's version without a value: its subscribers learn that it changed and refetch.</summary>
    /// <param name="cancellationToken">Cancels the write; the producer's token is the one to pass.</param>
    /// <returns>The key's new version.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async ValueTask<SignalVersion> InvalidateAsync(CancellationToken cancellationToken = default)
        => (await _store.InvalidateAsync([Key], cancellationToken).ConfigureAwait(false))[0];
}
