namespace Signals.Client;

/// <summary>Options of one <see cref="SignalQuery{T}"/>.</summary>
/// <typeparam name="T">The query's data type.</typeparam>
public sealed class SignalQueryOptions<T>
{
    /// <summary>Gets or sets the data the query shows until the first fetch succeeds.</summary>
    /// <remarks>The default is <see langword="default"/>(<typeparamref name="T"/>).</remarks>
    public T? FallbackValue { get; set; }

    /// <summary>Gets or sets how long fetched data counts as fresh even though its key did not change.</summary>
    /// <remarks>
    /// The default is <see langword="null"/>: data is fresh until its key's version changes. When set, <see cref="SignalQuery{T}.IsStale"/>
    /// turns <see langword="true"/> that long after a fetch, and the next <see cref="SignalQuery{T}.SyncAsync"/> refetches even when the
    /// version did not move (for data that also changes without a signal). Must be positive.
    /// </remarks>
    public TimeSpan? StaleTime { get; set; }

    /// <summary>Gets or sets the shortest time between the starts of two refetches caused by version changes.</summary>
    /// <remarks>
    /// The default is <see cref="TimeSpan.Zero"/>: refetch as soon as the previous fetch finished. Changes within the interval are
    /// coalesced into one refetch at its end. Whatever the interval, one fetch runs at a time and changes during a fetch are
    /// coalesced into one refetch after it. <see cref="SignalQuery{T}.InvalidateAsync"/> and <see cref="SignalQuery{T}.SyncAsync"/>
    /// do not wait for the interval. Must not be negative.
    /// </remarks>
    public TimeSpan DedupeInterval { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets how long after a failed fetch the query tries again on its own.</summary>
    /// <remarks>
    /// The default is 5 seconds. <see langword="null"/> retries only when the key's version changes or on
    /// <see cref="SignalQuery{T}.InvalidateAsync"/> / <see cref="SignalQuery{T}.SyncAsync"/>. Must be positive.
    /// </remarks>
    public TimeSpan? ErrorRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the clock for <see cref="StaleTime"/>, <see cref="DedupeInterval"/> and <see cref="ErrorRetryInterval"/>.</summary>
    /// <remarks>The default is <see cref="TimeProvider.System"/>.</remarks>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
