namespace Signals.Client;

/// <summary>
/// A mutation (the analogue of Reality's <c>useMutation</c>): calls the app's own API, showing optimistic updates on live queries
/// at once, rolling them back if the call fails, and bringing the affected queries up to date afterwards.
/// </summary>
/// <typeparam name="TArgument">The mutation's argument type.</typeparam>
/// <typeparam name="TResult">The mutation's result type.</typeparam>
/// <remarks>
/// <para>On success: <see cref="SignalMutationOptions{TArgument, TResult}.OnSuccess"/>, then every affected query is refetched (the
/// app's data already holds the change even if the signal has not arrived yet) and the optimistic data is swapped for the fetched
/// data in one change. On failure: the optimistic updates are rolled back at once,
/// <see cref="SignalMutationOptions{TArgument, TResult}.OnError"/> runs, every affected query is resynced (refetched only if its
/// key moved), and <see cref="RunAsync"/> rethrows.</para>
/// <para>State changes are told like <see cref="SignalQuery{T}"/>'s (<see cref="SignalObservableObject.PropertyChanged"/>, then <see cref="SignalObservableObject.Changed"/>, on the
/// <see cref="SynchronizationContext"/> current at creation). Several runs may overlap. Thread-safe.</para>
/// </remarks>
public sealed class SignalMutation<TArgument, TResult> : SignalObservableObject
{
    private readonly Func<TArgument, CancellationToken, Task<TResult>> _mutate;
    private readonly SignalMutationOptions<TArgument, TResult> _options;
    private readonly Lock _lock = new();
    private int _pending;
    private Exception? _error;
    private TResult? _result;

    /// <summary>Initializes a new mutation.</summary>
    /// <param name="mutate">Calls the app's API with the argument; its exception is the mutation's failure.</param>
    /// <param name="options">Optimistic updates, callbacks and queries to resync, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mutate"/> is <see langword="null"/>.</exception>
    public SignalMutation(Func<TArgument, CancellationToken, Task<TResult>> mutate, SignalMutationOptions<TArgument, TResult>? options = null)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        _mutate = mutate;
        _options = options ?? new SignalMutationOptions<TArgument, TResult>();
    }

    /// <summary>Gets whether a run is in progress (until the affected queries are up to date).</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
            {
                return _pending > 0;
            }
        }
    }

    /// <summary>Gets the failure of the last run that failed; <see langword="null"/> once a run starts or succeeds.</summary>
    public Exception? Error
    {
        get
        {
            lock (_lock)
            {
                return _error;
            }
        }
    }

    /// <summary>Gets the result of the last run that succeeded.</summary>
    public TResult? Result
    {
        get
        {
            lock (_lock)
            {
                return _result;
            }
        }
    }

    /// <summary>Runs the mutation (see the type's remarks for the order of events).</summary>
    /// <param name="argument">The argument for the API call and the optimistic updates.</param>
    /// <param name="cancellationToken">Cancels the API call (a failure: the updates are rolled back) and the wait for the queries.</param>
    /// <returns>The API call's result, once the affected queries show it.</returns>
    /// <exception cref="Exception">Whatever the API call threw, after the rollback and <see cref="SignalMutationOptions{TArgument, TResult}.OnError"/>.</exception>
    public async Task<TResult> RunAsync(TArgument argument, CancellationToken cancellationToken = default)
    {
        Update(() =>
        {
            _pending++;
            _error = null;
        });
        List<IOptimisticUpdate> applied = [];
        try
        {
            TResult result;
            try
            {
                foreach (SignalMutationOptions<TArgument, TResult>.Target target in _options.Targets)
                {
                    if (target.Apply is not null)
                    {
                        applied.Add(target.Apply(argument));
                    }
                }

                result = await _mutate(argument, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                foreach (IOptimisticUpdate update in applied)
                {
                    update.Dispose();
                }

                Update(() => _error = exception);
                _options.OnError?.Invoke(exception, argument);
                if (!cancellationToken.IsCancellationRequested)
                {
                    await Task.WhenAll(_options.Targets.Select(target => target.Query.SyncAsync(cancellationToken))).ConfigureAwait(false);
                }

                throw;
            }

            Update(() => _result = result);
            _options.OnSuccess?.Invoke(result, argument);
            foreach (IOptimisticUpdate update in applied)
            {
                update.ReleaseAfterNextFetch();
            }

            await Task.WhenAll(_options.Targets.Select(target => target.Query.InvalidateAsync(cancellationToken))).ConfigureAwait(false);
            return result;
        }
        finally
        {
            Update(() => _pending--);
        }
    }

    private void Update(Action change)
    {
        List<string> changed = [];
        lock (_lock)
        {
            (bool pending, Exception? error, TResult? result) = (_pending > 0, _error, _result);
            change();
            if (pending != _pending > 0)
            {
                changed.Add(nameof(IsPending));
            }

            if (!ReferenceEquals(error, _error))
            {
                changed.Add(nameof(Error));
            }

            if (!EqualityComparer<TResult?>.Default.Equals(result, _result))
            {
                changed.Add(nameof(Result));
            }
        }

        RaiseChanged(changed);
    }
}
