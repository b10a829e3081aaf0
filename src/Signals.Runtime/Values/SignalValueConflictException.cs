namespace Signals;

/// <summary>
/// A functional update of a value signal (<see cref="SignalValueStoreExtensions.UpdateAsync{T}"/>, <c>SignalValueReference&lt;T&gt;.UpdateAsync</c>
/// on a client) lost to concurrent writers of the same key on every attempt; nothing was written.
/// </summary>
/// <remarks>
/// Each attempt reads the value, applies the update and stores the result only if the key is still at the version it read
/// (<see cref="ISignalValueStore.TrySetAsync"/>); a concurrent write makes the attempt start over after a short, growing, jittered wait.
/// This is thrown only after <see cref="Attempts"/> attempts in a row lost, which takes sustained contention on one key: spread the
/// writes over more keys, or use an atomic <see cref="ISignalValueStore.IncrementAsync"/> for counters.
/// </remarks>
public sealed class SignalValueConflictException : Exception
{
    /// <summary>Initializes a new instance naming the key and the number of attempts.</summary>
    /// <param name="key">The key whose update lost every attempt.</param>
    /// <param name="attempts">How many attempts were made.</param>
    public SignalValueConflictException(SignalKey key, int attempts)
        : base($"The update of '{key}' lost to concurrent writers of the key {attempts} times in a row; nothing was written.")
    {
        Key = key;
        Attempts = attempts;
    }

    /// <summary>Gets the key whose update lost every attempt.</summary>
    public SignalKey Key { get; }

    /// <summary>Gets how many attempts were made.</summary>
    public int Attempts { get; }
}
