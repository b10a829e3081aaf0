namespace Signals.Client;

/// <summary>What a <see cref="SignalMutation{TArgument, TResult}"/> does around its call: optimistic updates, callbacks, and the
/// queries to resync afterwards.</summary>
/// <typeparam name="TArgument">The mutation's argument type.</typeparam>
/// <typeparam name="TResult">The mutation's result type.</typeparam>
public sealed class SignalMutationOptions<TArgument, TResult>
{
    private readonly List<Target> _targets = [];

    /// <summary>Gets or sets what to do after the mutation succeeded, before the affected queries are refetched.</summary>
    /// <remarks>Called with the result and the argument, on the thread the mutation's call returned on. The default is none.</remarks>
    public Action<TResult, TArgument>? OnSuccess { get; set; }

    /// <summary>Gets or sets what to do after the mutation failed and its optimistic updates were rolled back.</summary>
    /// <remarks>Called with the exception and the argument. The default is none.</remarks>
    public Action<Exception, TArgument>? OnError { get; set; }

    /// <summary>Gets the queries the mutation affects, with their optimistic updates (none for <see cref="Resync"/> targets).</summary>
    internal IReadOnlyList<Target> Targets => _targets;

    /// <summary>Shows <paramref name="update"/> on <paramref name="query"/> as soon as the mutation starts: rolled back if it fails,
    /// replaced by the refetched data if it succeeds. The query is refetched after the mutation either way.</summary>
    /// <typeparam name="T">The query's data type.</typeparam>
    /// <param name="query">The query to update.</param>
    /// <param name="update">Computes the optimistic data from the current data and the mutation's argument; must not change its arguments.</param>
    /// <returns>The same options, to chain calls.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> or <paramref name="update"/> is <see langword="null"/>.</exception>
    public SignalMutationOptions<TArgument, TResult> Optimistic<T>(SignalQuery<T> query, Func<T, TArgument, T> update)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(update);
        _targets.Add(new Target(query, argument => query.ApplyOptimisticUpdateForMutation(data => update(data, argument))));
        return this;
    }

    /// <summary>Refetches <paramref name="query"/> after the mutation succeeded, and resyncs it after it failed.</summary>
    /// <param name="query">A query whose key the mutation changes.</param>
    /// <returns>The same options, to chain calls.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is <see langword="null"/>.</exception>
    public SignalMutationOptions<TArgument, TResult> Resync(ISignalQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        _targets.Add(new Target(query, null));
        return this;
    }

    /// <summary>One affected query and how to apply its optimistic update, if any.</summary>
    internal sealed record Target(ISignalQuery Query, Func<TArgument, IOptimisticUpdate>? Apply);
}
