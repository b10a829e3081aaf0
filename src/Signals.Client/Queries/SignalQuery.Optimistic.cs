namespace Signals.Client;

/// <content>Optimistic updates: layers over the fetched data, recomputed when the data or the layers change.</content>
public sealed partial class SignalQuery<T>
{
    /// <summary>Shows <paramref name="update"/> applied to the data at once, and to every refetched data until the returned handle is
    /// disposed (which rolls it back). <see cref="SignalMutation{TArgument, TResult}"/> does this around a mutation.</summary>
    /// <param name="update">Computes the optimistic data from the current data; must not change its argument. Not applied while there is
    /// no data and no non-null fallback. An update that throws on later data is dropped.</param>
    /// <returns>Dispose to roll the update back.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The query was disposed.</exception>
    public IDisposable ApplyOptimisticUpdate(Func<T, T> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);

        // Run it once now, so an update that does not fit the data throws to the caller instead of being dropped silently.
        T? current = Data;
        if (current is not null)
        {
            _ = update(current);
        }

        var layer = new OptimisticLayer(this, update);
        Update(() =>
        {
            _layers.Add(layer);
            _dataDirty = true;
        });
        return layer;
    }

    /// <summary>Applies an optimistic update for a mutation (see <see cref="IOptimisticUpdate"/>).</summary>
    internal IOptimisticUpdate ApplyOptimisticUpdateForMutation(Func<T, T> update) => (OptimisticLayer)ApplyOptimisticUpdate(update);

    private void RemoveLayersLocked(OptimisticLayer[] layers)
    {
        foreach (OptimisticLayer layer in layers)
        {
            _dataDirty |= _layers.Remove(layer);
        }
    }

    /// <summary>Recomputes the data when the fetched data or the optimistic layers changed (only then: a new instance from the
    /// layers would look like a change to every listener).</summary>
    private void RecomputeDataLocked()
    {
        if (!_dataDirty)
        {
            return;
        }

        _dataDirty = false;
        T? data = _hasData ? _fetched : _options.FallbackValue;
        if (data is not null)
        {
            for (int i = 0; i < _layers.Count; i++)
            {
                try
                {
                    data = _layers[i].Apply(data);
                }
                catch (Exception)
                {
                    // The update does not fit the newer data (ApplyOptimisticUpdate checked it on the data of its time): drop it.
                    _layers.RemoveAt(i--);
                }
            }
        }

        _data = data;
    }

    /// <summary>One optimistic update: a function over the data, kept until rolled back or released by a fetch.</summary>
    private sealed class OptimisticLayer(SignalQuery<T> query, Func<T, T> update) : IOptimisticUpdate
    {
        /// <summary>Gets whether the next fetch to start drops this layer when it finishes (guarded by the query's lock).</summary>
        public bool Releasing { get; private set; }

        public T Apply(T data) => update(data);

        public void ReleaseAfterNextFetch()
        {
            lock (query._lock)
            {
                Releasing = true;
            }
        }

        public void Dispose() => query.Update(() => query._dataDirty |= query._layers.Remove(this));
    }
}
