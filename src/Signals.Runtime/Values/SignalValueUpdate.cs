using System.Text.Json;

namespace Signals;

/// <summary>
/// The loop of a functional update, shared by the store (<see cref="SignalValueStoreExtensions.UpdateAsync{T}"/>) and the clients: read
/// the value and its version, apply the update, store the result only if the key is still at that version, and start over after a
/// jittered, growing wait (10 ms doubling up to 250 ms) when another writer got there first.
/// </summary>
internal static class SignalValueUpdate
{
    /// <summary>How many attempts an update makes before it throws <see cref="SignalValueConflictException"/>: 100.</summary>
    public const int MaxAttempts = 100;

    /// <summary>Runs the update.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key, for the exception.</param>
    /// <param name="read">Reads the current value and version (version 0 with the default when nothing is stored).</param>
    /// <param name="trySet">Stores the JSON of the new value if the key is still at the given version; <see langword="null"/> when it is not.</param>
    /// <param name="update">Computes the new value from the current one.</param>
    /// <param name="cancellationToken">Cancels the update, also while it waits.</param>
    /// <returns>The stored value and its version.</returns>
    /// <exception cref="SignalValueConflictException">Every one of <see cref="MaxAttempts"/> attempts lost to a concurrent writer.</exception>
    public static async ValueTask<SignalValue<T>> RunAsync<T>(
        SignalKey key,
        Func<CancellationToken, ValueTask<SignalValue<T>>> read,
        Func<JsonElement, long, CancellationToken, ValueTask<SignalValue<JsonElement>?>> trySet,
        Func<T, T> update,
        CancellationToken cancellationToken)
    {
        var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(250));
        for (int attempt = 1; ; attempt++)
        {
            SignalValue<T> current = await read(cancellationToken).ConfigureAwait(false);
            T next = update(current.Value);
            if (await trySet(SignalValueStoreExtensions.Serialize(next), current.Version, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return new SignalValue<T>(stored.State, next);
            }

            if (attempt == MaxAttempts)
            {
                throw new SignalValueConflictException(key, attempt);
            }

            await Task.Delay(backoff.Next(), cancellationToken).ConfigureAwait(false);
        }
    }
}
