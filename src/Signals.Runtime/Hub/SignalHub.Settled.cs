namespace Signals;

/// <content>The settled cursor (what a dispatcher has published completely) and the resume floor (what retention removed).</content>
public sealed partial class SignalHub
{
    private readonly Lock _settledLock = new();
    private TaskCompletionSource? _settledAdvanced;
    private long _resumeFloor;
    private long _settled;
    private int _settledTracked;

    /// <summary>
    /// Gets the settled cursor: every change with a version at or below it that will ever be published has been published. A subscriber
    /// that read a change may resume from <c>min(version, SettledCursor)</c> without missing one (see <see cref="SignalSubscription.ResumeCursor"/>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Versions are outbox ids, assigned when a row is inserted, not when it commits: a change with a lower version can be published after
    /// one with a higher version (its transaction committed later). A client that resumed from the higher version would never see the
    /// lower one, so the cursor it resumes from must not pass a version that may still commit.
    /// </para>
    /// <para>
    /// It follows <see cref="Cursor"/> (every store that publishes in version order, such as <see cref="InMemorySignalStore"/>) until a
    /// dispatcher first calls <see cref="AdvanceSettledCursor"/>; from then on only that call moves it.
    /// </para>
    /// <para>
    /// Each instance's dispatcher moves its own hub's settled cursor at its own pace: a client that read a version on another instance
    /// should be answered here only once this cursor reaches it (<see cref="WaitForSettledAsync"/>).
    /// </para>
    /// </remarks>
    public long SettledCursor => Volatile.Read(ref _settledTracked) == 0 ? Cursor : Volatile.Read(ref _settled);

    /// <summary>Records that every version at or below <paramref name="cursor"/> that will ever be published has been published.</summary>
    /// <param name="cursor">The settled cursor; it never moves back. A dispatcher calls it with 0 before it publishes anything.</param>
    internal void AdvanceSettledCursor(long cursor)
    {
        Volatile.Write(ref _settledTracked, 1);
        if (!AdvanceMax(ref _settled, cursor))
        {
            return;
        }

        // Under the lock, so a waiter that checked the cursor before this advance has its signal in place to be woken.
        TaskCompletionSource? waiters;
        lock (_settledLock)
        {
            waiters = _settledAdvanced;
            _settledAdvanced = null;
        }

        waiters?.TrySetResult();
    }

    /// <summary>
    /// Waits until <see cref="SettledCursor"/> reaches <paramref name="cursor"/>: until this instance has published every change at or
    /// below it that another instance (further ahead) may already have shown a client.
    /// </summary>
    /// <param name="cursor">The version to wait for, e.g. the highest version a resuming client has seen.</param>
    /// <param name="timeout">How long to wait at most; <see cref="Timeout.InfiniteTimeSpan"/> waits until canceled.</param>
    /// <param name="cancellationToken">Cancels the wait (e.g. the request was aborted).</param>
    /// <returns>
    /// <see langword="true"/> as soon as the settled cursor is at or above <paramref name="cursor"/>, or at once when no dispatcher tracks
    /// it (stores such as <see cref="InMemorySignalStore"/> publish in version order on one instance, and a restarted in-memory app starts
    /// its versions over, so it would never reach an older cursor); <see langword="false"/> when the timeout elapsed first.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large for a timer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async ValueTask<bool> WaitForSettledAsync(long cursor, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _settledTracked) == 0 || Volatile.Read(ref _settled) >= cursor)
        {
            return true;
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            while (true)
            {
                Task advanced;
                lock (_settledLock)
                {
                    if (Volatile.Read(ref _settled) >= cursor)
                    {
                        return true;
                    }

                    // One signal for every waiter, created only while someone waits; AdvanceSettledCursor completes and drops it.
                    advanced = (_settledAdvanced ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }

                await advanced.WaitAsync(timeoutSource.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout elapsed first.
            return false;
        }
    }

    /// <summary>
    /// Gets the oldest cursor a subscriber can resume from without having missed a change that is no longer retained one by one:
    /// a resume cursor below it gets a full resync instead (the SSE stream sends <c>event: reset</c>). <c>0</c> while nothing was forgotten.
    /// </summary>
    /// <remarks>
    /// Dispatchers advance it when outbox retention compacts old changes (see <see cref="AdvanceResumeFloor"/>). The hub itself keeps
    /// every key's latest version, so a resync is always possible; the floor tells a resuming client that it cannot learn the changes
    /// between its cursor and the floor one by one.
    /// </remarks>
    public long ResumeFloor => Volatile.Read(ref _resumeFloor);

    /// <summary>Records that changes with versions at or below <paramref name="cursor"/> may no longer be retained one by one.</summary>
    /// <param name="cursor">The highest version that retention may have removed; the floor never moves back.</param>
    internal void AdvanceResumeFloor(long cursor) => _ = AdvanceMax(ref _resumeFloor, cursor);
}
