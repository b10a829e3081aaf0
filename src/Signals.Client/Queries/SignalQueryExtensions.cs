namespace Signals.Client;

/// <summary>Creates live queries from signal references (<c>client.ChatMessage().Room("general").Query(…)</c>).</summary>
public static class SignalQueryExtensions
{
    /// <summary>Starts a live query: fetches data with <paramref name="fetcher"/>, and again whenever the referenced key's version changes.</summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="reference">The key and the client that watches it.</param>
    /// <param name="fetcher">Loads the app's data, e.g. from its own API.</param>
    /// <param name="options">The query options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The running query; dispose it to stop watching.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fetcher"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="reference"/> has no client or key.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SignalQuery<T> Query<T>(this SignalReference reference, Func<CancellationToken, Task<T>> fetcher, SignalQueryOptions<T>? options = null)
        => new(reference.Client ?? throw new ArgumentException("The reference has no client (default(SignalReference)).", nameof(reference)), reference.Key, fetcher, options);
}
