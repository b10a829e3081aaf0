namespace Signals;

/// <content>The per-key entry: the key's latest version, its subscribers and its place in the cache.</content>
public sealed partial class SignalHub
{
    /// <summary>
    /// One key the hub holds: its current version, its subscribers, and its place in the cache. Written under its own lock; read
    /// without it on the hot paths: <see cref="Current"/>, <see cref="Loaded"/>, <see cref="Removed"/> and <see cref="Loading"/> are
    /// volatile, and <see cref="Referenced"/> is a hint.
    /// </summary>
    /// <remarks>
    /// A lock-free read of a cached version checks <see cref="Loaded"/> and then reads <see cref="Current"/>. A writer sets
    /// <see cref="Current"/> before <see cref="Loaded"/> (each a volatile write, so in that order on every processor), so a reader that
    /// sees the entry loaded reads the version that was loaded or a newer one a publish put there since, never the initial version 0
    /// it held before. An entry evicted meanwhile keeps the version it had: current when the reader checked <see cref="Removed"/>.
    /// </remarks>
    /// <param name="key">The key.</param>
    /// <param name="loaded">Whether <see cref="Current"/> is the key's version already (no database to read it from, or it was read).</param>
    private sealed class KeyEntry(SignalKey key, bool loaded)
    {
        // A SignalVersion is wider than a machine word, and readers take it without the lock: each publish replaces the whole box,
        // so a reader gets one version entire, never the version of one publish with the hash of another.
        private VersionBox _current = new(SignalVersion.Initial(key));

        // The key's subscribers are _subscribers[.._count], guarded by the entry's lock. Subscribing appends in place while the array
        // has room and doubles it when full, so N subscriptions of one key cost O(N), not O(N²) as a copy per subscription would.
        // A publisher iterates an array outside the lock, so an array it was given must never be written again: ShareSubscribers hands
        // out only a full array (trimmed first if needed), and a full array is never written in place (adding grows into a new one,
        // removing copies it first).
        private SignalSubscription[] _subscribers = [];
        private int _count;
        private bool _loaded = loaded;
        private bool _removed;
        private Task? _loading;

        public SignalKey Key => key;

        public SignalVersion Current
        {
            get => Volatile.Read(ref _current).Value;
            set => Volatile.Write(ref _current, new VersionBox(value));
        }

        public int SubscriberCount => _count;

        /// <summary>Gets or sets whether the entry left the hub's table: whoever finds it so takes a new one.</summary>
        public bool Removed
        {
            get => Volatile.Read(ref _removed);
            set => Volatile.Write(ref _removed, value);
        }

        /// <summary>
        /// Gets or sets whether <see cref="Current"/> is at least the key's latest committed version as of the hub's table holding the
        /// entry: set when it is created without a database, or once its version has been read there (changes published since were
        /// applied to it as they came).
        /// </summary>
        public bool Loaded
        {
            get => Volatile.Read(ref _loaded);
            set => Volatile.Write(ref _loaded, value);
        }

        /// <summary>Gets or sets the read of the entry's version in progress, or <see langword="null"/>; a reader may join it without the lock.</summary>
        public Task? Loading
        {
            get => Volatile.Read(ref _loading);
            set => Volatile.Write(ref _loading, value);
        }

        /// <summary>Gets or sets whether the entry is in the cache's clock (held without being watched).</summary>
        public bool Queued { get; set; }

        /// <summary>Gets or sets whether the entry was used since the clock's hand last passed it (written without the lock: a hint).</summary>
        public bool Referenced { get; set; }

        /// <summary>Gets whether the cache must keep the entry: someone watches it, or its version is being read.</summary>
        public bool Pinned => _count > 0 || Loading is not null || !Loaded;

        public void AddSubscriber(SignalSubscription subscription)
        {
            if (_count == _subscribers.Length)
            {
                Array.Resize(ref _subscribers, Math.Max(1, _count * 2));
            }

            _subscribers[_count++] = subscription;
        }

        /// <returns><see langword="true"/> when the subscription was a subscriber.</returns>
        public bool RemoveSubscriber(SignalSubscription subscription)
        {
            int index = Array.IndexOf(_subscribers, subscription, 0, _count);
            if (index < 0)
            {
                return false;
            }

            if (_count == _subscribers.Length)
            {
                _subscribers = (SignalSubscription[])_subscribers.Clone();
            }

            // Order does not matter: the last subscriber takes the slot.
            _count--;
            _subscribers[index] = _subscribers[_count];
            _subscribers[_count] = null!;
            if (_count == 0)
            {
                _subscribers = [];
            }

            return true;
        }

        /// <summary>Returns the subscribers as an array nobody writes again; the same array until they change.</summary>
        public SignalSubscription[] ShareSubscribers()
        {
            if (_count != _subscribers.Length)
            {
                _subscribers = _subscribers[.._count];
            }

            return _subscribers;
        }
    }

    private sealed record VersionBox(SignalVersion Value);
}
