namespace Signals;

/// <summary>Describes a key that gained its first subscriber on this instance, or lost its last one (<see cref="SignalHub.WatchersChanged"/>).</summary>
/// <param name="key">The key.</param>
/// <param name="isWatched"><see langword="true"/> when the key gained its first subscriber; <see langword="false"/> when it lost its last.</param>
public sealed class SignalWatchersChangedEventArgs(SignalKey key, bool isWatched) : EventArgs
{
    /// <summary>Gets the key whose subscribers changed.</summary>
    public SignalKey Key { get; } = key;

    /// <summary>Gets a value indicating whether the key gained its first subscriber (<see langword="true"/>) or lost its last one.</summary>
    /// <remarks>The state when the event was raised; it may have changed again since (read <see cref="SignalHub.GetWatcherCount"/>).</remarks>
    public bool IsWatched { get; } = isWatched;
}
