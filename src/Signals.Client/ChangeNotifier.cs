using System.ComponentModel;

namespace Signals.Client;

/// <summary>
/// Raises <see cref="INotifyPropertyChanged.PropertyChanged"/> and a <c>Changed</c> event for the UI-facing client types
/// (<see cref="SignalQuery{T}"/>, <see cref="SignalMutation{TArgument, TResult}"/>), on the <see cref="SynchronizationContext"/> that
/// was current when the owner was created (a UI thread, Blazor's renderer), or synchronously when there was none.
/// </summary>
/// <param name="sender">The owner, passed as the events' sender.</param>
internal sealed class ChangeNotifier(object sender)
{
    private readonly SynchronizationContext? _context = SynchronizationContext.Current;

    public event PropertyChangedEventHandler? PropertyChanged;

    public event EventHandler? Changed;

    /// <summary>Raises one <c>PropertyChanged</c> per name, then one <c>Changed</c>; nothing when no property changed.</summary>
    public void Raise(List<string> properties)
    {
        if (properties.Count == 0)
        {
            return;
        }

        if (_context is null)
        {
            Invoke(properties);
        }
        else
        {
            _context.Post(
                static state =>
                {
                    (ChangeNotifier notifier, List<string> names) = ((ChangeNotifier, List<string>))state!;
                    notifier.Invoke(names);
                },
                (this, properties));
        }
    }

    private void Invoke(List<string> properties)
    {
        PropertyChangedEventHandler? propertyChanged = PropertyChanged;
        foreach (string property in properties)
        {
            propertyChanged?.Invoke(sender, new PropertyChangedEventArgs(property));
        }

        Changed?.Invoke(sender, EventArgs.Empty);
    }
}
