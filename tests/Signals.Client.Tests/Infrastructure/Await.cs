using System.ComponentModel;

namespace Signals.Client.Tests.Infrastructure;

/// <summary>Bounded waits on events, never on wall-clock sleeps.</summary>
public static class Await
{
    /// <summary>A token canceled after <paramref name="seconds"/> or when the test is canceled.</summary>
    public static CancellationTokenSource Deadline(int seconds = 15)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        return deadline;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking it after every property change of <paramref name="source"/>.</summary>
    public static async Task UntilAsync<T>(T source, Func<T, bool> condition, CancellationToken cancellationToken)
        where T : INotifyPropertyChanged
    {
        using var changed = new SemaphoreSlim(0);
        void OnChanged(object? sender, PropertyChangedEventArgs e) => changed.Release();
        source.PropertyChanged += OnChanged;
        try
        {
            while (!condition(source))
            {
                await changed.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            source.PropertyChanged -= OnChanged;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking it whenever <paramref name="poke"/> fires or every 20 ms.</summary>
    /// <remarks>For state that raises no event (server-side request logs): the interval only paces the checks; the deadline bounds them.</remarks>
    public static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
