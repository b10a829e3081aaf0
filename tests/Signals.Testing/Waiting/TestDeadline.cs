using Xunit;

namespace Signals.Testing;

/// <summary>The bound of a test's waits: the test's own cancellation, or a number of seconds, whichever comes first.</summary>
public static class TestDeadline
{
    /// <summary>Starts a deadline; the caller disposes it.</summary>
    /// <param name="seconds">How long the test may wait in all; generous, for a loaded 2-core machine.</param>
    /// <returns>A source canceled when the test is, or after <paramref name="seconds"/> seconds.</returns>
    public static CancellationTokenSource Start(int seconds = 20)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        return deadline;
    }
}
