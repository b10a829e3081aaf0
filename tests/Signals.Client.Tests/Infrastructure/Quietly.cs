namespace Signals.Client.Tests.Infrastructure;

/// <summary>Creates queries and mutations where no <see cref="SynchronizationContext"/> is current, so their events are raised synchronously.</summary>
internal static class Quietly
{
    public static T Create<T>(Func<T> create)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return create();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
