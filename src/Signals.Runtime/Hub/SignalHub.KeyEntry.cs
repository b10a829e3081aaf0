namespace Signals;

/// <content>The per-key entry: the key's latest version and its subscribers.</content>
public sealed partial class SignalHub
{
    private sealed class KeyEntry(SignalKey key)
    {
        // A SignalVersion is wider than a machine word, and GetVersion reads it without the lock: each publish replaces the whole box,
        // so a reader gets one version entire, never the version of one publish with the hash of another.
        private VersionBox _current = new(SignalVersion.Initial(key));

        public SignalVersion Current
        {
            get => Volatile.Read(ref _current).Value;
            set => Volatile.Write(ref _current, new VersionBox(value));
        }

        // The key's subscribers are _subscribers[.._count], guarded by the entry's lock. Subscribing appends in place while the array
        // has room and doubles it when full, so N subscriptions of one key cost O(N), not O(N²) as a copy per subscription would.
        // A publisher iterates an array outside the lock, so an array it was given must never be written again: ShareSubscribers hands
        // out only a full array (trimmed first if needed), and a full array is never written in place (adding grows into a new one,
        // removing copies it first).
        private SignalSubscription[] _subscribers = [];
        private int _count;

        public int SubscriberCount => _count;

        public bool Removed { get; set; }

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
