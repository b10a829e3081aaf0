using System.Diagnostics;

namespace Signals.LoadTests.Scenarios.WriteCost;

/// <summary>
/// Counts the commits whose keys an app's logical-replication reader has written into the outbox, from the reader's own report after
/// each outbox write (Signals' event 134, "Wrote the keys of {Rows} captured rows ({Commits} commits) into the outbox…", logged at
/// <see cref="LogLevel.Debug"/> by the dispatcher), so the scenario can wait for the reader without a query or a write of its own that
/// would be counted with the phase.
/// </summary>
/// <remarks>
/// Added to one app's logging with <see cref="AddTo"/>, enabled at <see cref="LogLevel.Debug"/> for the Signals EF Core categories of
/// this provider only (the console stays at the app's level). The reader writes commits in commit order, so once the count has grown
/// by a phase's commits, the keys of all of them are in the outbox.
/// </remarks>
internal sealed class ReplicationWrites : ILoggerProvider
{
    /// <summary>The prefix of the dispatcher's log category (<c>OutboxDispatcher&lt;TContext&gt;</c>'s namespace).</summary>
    private const string Category = "Signals.EntityFrameworkCore";

    /// <summary>The reader's event after each outbox write.</summary>
    private const int WroteEventId = 134;

    /// <summary>The event's argument that holds how many commits the write covered.</summary>
    private const string CommitsArgument = "Commits";

    private long _commits;

    private ReplicationWrites()
    {
    }

    /// <summary>Gets how many commits' keys the reader has written so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Adds a counter to an app's logging.</summary>
    /// <param name="builder">The app's builder (before <c>Build()</c>).</param>
    /// <returns>The counter.</returns>
    public static ReplicationWrites AddTo(WebApplicationBuilder builder)
    {
        var writes = new ReplicationWrites();
        builder.Logging.AddProvider(writes);
        builder.Logging.AddFilter<ReplicationWrites>(Category, LogLevel.Debug);
        return writes;
    }

    /// <summary>Waits until <see cref="Commits"/> reaches <paramref name="commits"/>, polling every 5 ms.</summary>
    /// <param name="commits">The count to wait for.</param>
    /// <param name="bound">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if the count was reached within <paramref name="bound"/>.</returns>
    public async Task<bool> WaitAsync(long commits, TimeSpan bound, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        while (Commits < commits)
        {
            if (Stopwatch.GetElapsedTime(start) > bound)
            {
                return false;
            }

            await Task.Delay(5, cancellationToken);
        }

        return true;
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Counter(this);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Adds the commits of each <see cref="WroteEventId"/> event to its owner's count; ignores everything else.</summary>
    /// <param name="owner">The counter.</param>
    private sealed class Counter(ReplicationWrites owner) : ILogger
    {
        /// <inheritdoc/>
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        /// <inheritdoc/>
        public bool IsEnabled(LogLevel logLevel) => true;

        /// <inheritdoc/>
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != WroteEventId || state is not IReadOnlyList<KeyValuePair<string, object?>> arguments)
            {
                return;
            }

            foreach (KeyValuePair<string, object?> argument in arguments)
            {
                if (argument.Key == CommitsArgument && argument.Value is int commits)
                {
                    Interlocked.Add(ref owner._commits, commits);
                }
            }
        }
    }
}
