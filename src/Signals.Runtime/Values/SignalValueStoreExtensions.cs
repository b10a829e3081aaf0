using System.Text.Json;

namespace Signals;

/// <summary>Typed reads and writes over an <see cref="ISignalValueStore"/>; values are serialized with <see cref="JsonSerializerDefaults.Web"/>.</summary>
public static class SignalValueStoreExtensions
{
    /// <summary>Reads a key's value as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">Creates the value readers see when nothing is stored.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value and its version (version 0 with the default when nothing is stored).</returns>
    /// <exception cref="SignalValueFormatException">The stored JSON does not deserialize to <typeparamref name="T"/>, or is <c>null</c>.</exception>
    public static async ValueTask<SignalValue<T>> GetAsync<T>(this ISignalValueStore store, SignalKey key, Func<T> defaultValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(defaultValue);
        SignalValue<JsonElement>? stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return stored is null ? new SignalValue<T>(SignalVersion.Initial(key), defaultValue()) : Deserialize<T>(stored);
    }

    /// <summary>Stores a value of <typeparamref name="T"/>; an equal value bumps nothing.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored value and its version.</returns>
    public static async ValueTask<SignalValue<T>> SetAsync<T>(this ISignalValueStore store, SignalKey key, T value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        SignalValue<JsonElement> stored = await store.SetAsync(key, Serialize(value), cancellationToken).ConfigureAwait(false);
        return new SignalValue<T>(stored.State, value);
    }

    /// <summary>Adds to an integer property of a value of <typeparamref name="T"/>, atomically in the store.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="propertyName">The JSON property name (camelCase) of a 64-bit integer property of <typeparamref name="T"/>.</param>
    /// <param name="delta">The amount to add; may be negative.</param>
    /// <param name="defaultValue">Creates the value to start from when nothing is stored.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new value and its version.</returns>
    /// <exception cref="InvalidOperationException">The stored value is not an object whose <paramref name="propertyName"/> is an integer.</exception>
    /// <exception cref="OverflowException">The sum does not fit in a 64-bit integer; nothing is stored.</exception>
    /// <exception cref="SignalValueFormatException">The new JSON does not deserialize to <typeparamref name="T"/>.</exception>
    public static async ValueTask<SignalValue<T>> IncrementAsync<T>(this ISignalValueStore store, SignalKey key, string propertyName, long delta, Func<T> defaultValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(defaultValue);
        SignalValue<JsonElement> stored = await store.IncrementAsync(key, propertyName, delta, Serialize(defaultValue()), cancellationToken).ConfigureAwait(false);
        return Deserialize<T>(stored);
    }

    /// <summary>Serializes a value the way every Signals store and endpoint does (<see cref="JsonSerializerDefaults.Web"/>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The JSON.</returns>
    public static JsonElement Serialize<T>(T value) => JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web);

    /// <summary>Deserializes a stored value the way every Signals store and endpoint does (<see cref="JsonSerializerDefaults.Web"/>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The stored value.</param>
    /// <returns>The typed value with the same version.</returns>
    /// <exception cref="SignalValueFormatException">The JSON does not deserialize to <typeparamref name="T"/>, or is <c>null</c>; the message names the key, the version and the type.</exception>
    public static SignalValue<T> Deserialize<T>(SignalValue<JsonElement> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        T? typed;
        try
        {
            typed = value.Value.Deserialize<T>(JsonSerializerOptions.Web);
        }
        catch (JsonException exception)
        {
            throw new SignalValueFormatException(value.State, typeof(T), exception);
        }

        return typed is null ? throw new SignalValueFormatException(value.State, typeof(T), null) : new SignalValue<T>(value.State, typed);
    }
}
