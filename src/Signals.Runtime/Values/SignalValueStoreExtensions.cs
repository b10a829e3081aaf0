using System.Diagnostics.CodeAnalysis;
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

    /// <summary>
    /// Updates a value of <typeparamref name="T"/> from its current value (<c>current =&gt; current with { Mode = "light" }</c>) with optimistic
    /// concurrency: reads the value and its version, applies <paramref name="update"/>, and stores the result only if the key is still at
    /// that version (<see cref="ISignalValueStore.TrySetAsync"/>); when another writer on any instance got there first, it starts over
    /// from the new value after a short jittered wait. So concurrent updaters never lose an update.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">Creates the value to start from when nothing is stored.</param>
    /// <param name="update">
    /// Computes the new value from the current one. It may run more than once (once per attempt), so it must not have side effects; it
    /// should return a new value rather than change the one it is given. A result equal to the current value stores nothing and bumps no version.
    /// </param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The stored value and its version.</returns>
    /// <exception cref="SignalValueConflictException">The update lost to concurrent writers 100 times in a row; nothing was written.</exception>
    /// <exception cref="SignalValueFormatException">The stored JSON does not deserialize to <typeparamref name="T"/>; nothing was written.</exception>
    public static ValueTask<SignalValue<T>> UpdateAsync<T>(this ISignalValueStore store, SignalKey key, Func<T> defaultValue, Func<T, T> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(defaultValue);
        ArgumentNullException.ThrowIfNull(update);
        SignalKey.ThrowIfDefault(key);
        return SignalValueUpdate.RunAsync(
            key,
            ct => store.GetAsync(key, defaultValue, ct),
            (value, expectedVersion, ct) => store.TrySetAsync(key, value, expectedVersion, ct),
            update,
            cancellationToken);
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

    /// <summary>Gets the options every Signals store, endpoint and typed reader serializes values with: <see cref="JsonSerializerOptions.Web"/>.</summary>
    internal static JsonSerializerOptions JsonOptions => JsonSerializerOptions.Web;

    /// <summary>Serializes a value the way every Signals store and endpoint does (<see cref="JsonSerializerDefaults.Web"/>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The JSON.</returns>
    public static JsonElement Serialize<T>(T value) => JsonSerializer.SerializeToElement(value, JsonOptions);

    /// <summary>Deserializes a stored value the way every Signals store and endpoint does (<see cref="JsonSerializerDefaults.Web"/>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The stored value.</param>
    /// <returns>The typed value with the same version.</returns>
    /// <exception cref="SignalValueFormatException">The JSON does not deserialize to <typeparamref name="T"/>, or is <c>null</c>; the message names the key, the version and the type.</exception>
    public static SignalValue<T> Deserialize<T>(SignalValue<JsonElement> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryDeserializeCore(value.Value, out T? typed, out JsonException? exception)
            ? new SignalValue<T>(value.State, typed)
            : throw new SignalValueFormatException(value.State, typeof(T), exception);
    }

    /// <summary>Deserializes JSON as a typed read does; what <see cref="SignalValueType.Accepts"/> checks a written value with.</summary>
    /// <param name="json">The JSON value.</param>
    /// <param name="value">The value, when it deserializes and is not <c>null</c>.</param>
    /// <param name="error">The serializer's first error, or "null" when the JSON is <c>null</c>.</param>
    internal static bool TryDeserialize<T>(JsonElement json, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
    {
        bool deserialized = TryDeserializeCore(json, out value, out JsonException? exception);
        error = deserialized ? null : exception?.Message ?? "The value is null.";
        return deserialized;
    }

    private static bool TryDeserializeCore<T>(JsonElement json, [NotNullWhen(true)] out T? value, out JsonException? error)
    {
        try
        {
            value = json.Deserialize<T>(JsonOptions);
            error = null;
            return value is not null;
        }
        catch (JsonException exception)
        {
            value = default;
            error = exception;
            return false;
        }
    }
}
