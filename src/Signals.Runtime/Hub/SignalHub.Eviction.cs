using System.Collections.Concurrent;

namespace Signals;

/// <content>Eviction from the bounded cache: the clock (second chance) and its hand; the remarks on the cache say why.</content>
public sealed partial class SignalHub
{
    private readonly ConcurrentQueue<KeyEntry> _clock = new();
    private readonly Lock _evictLock = new();
    private int _queued;

    /// <summary>
    /// Marks an entry for the clock when it was read and nobody watches it, under the entry's lock (the caller holds it), so that the
    /// lock taken to load or let go of the entry also admits it; <see cref="AddToClock"/> then puts it there.
    /// </summary>
    /// <returns><see langword="true"/> when the caller must pass the entry to <see cref="AddToClock"/>.</returns>
    private static bool TryQueue(KeyEntry entry)
    {
        if (entry.Queued || entry.Removed || entry.Pinned)
        {
            return false;
        }

        entry.Queued = true;
        return true;
    }

    /// <summary>Puts entries marked by <see cref="TryQueue"/> into the clock, then evicts down to the bound.</summary>
    private void AddToClock(List<KeyEntry>? queued)
    {
        if (queued is null)
        {
            return;
        }

        foreach (KeyEntry entry in queued)
        {
            _clock.Enqueue(entry);
        }

        if (Interlocked.Add(ref _queued, queued.Count) > _maxCachedKeys)
        {
            Evict();
        }
    }

    /// <summary>Turns the clock's hand until it holds at most the bound: marked entries get a second chance, pinned ones leave it.</summary>
    private void Evict()
    {
        int evicted = 0;
        lock (_evictLock)
        {
            while (Volatile.Read(ref _queued) > _maxCachedKeys && _clock.TryDequeue(out KeyEntry? entry))
            {
                lock (entry)
                {
                    if (!entry.Pinned && entry.Referenced)
                    {
                        entry.Referenced = false;
                        _clock.Enqueue(entry);
                        continue;
                    }

                    entry.Queued = false;
                    Interlocked.Decrement(ref _queued);
                    if (entry.Pinned)
                    {
                        // Watched again (or being read): it comes back when it is let go.
                        continue;
                    }

                    entry.Removed = true;
                    _entries.TryRemove(new KeyValuePair<SignalKey, KeyEntry>(entry.Key, entry));
                    evicted++;
                }
            }
        }

        if (evicted > 0)
        {
            _metrics?.RecordHubEvictions(evicted);
        }
    }
}
