using System.ComponentModel;

namespace Signals.Client;

/// <summary>
/// The base of the client's UI-facing types (<see cref="SignalQuery{T}"/>, <see cref="SignalMutation{TArgument, TResult}"/>): tells
/// each change of their state as <see cref="PropertyChanged"/> events (one per changed property) followed by one <see cref="Changed"/>,
/// raised on the <see cref="SynchronizationContext"/> that was current when the object was created (a UI thread, Blazor's renderer),
/// or, without one, on the thread that made the change.
/// </summary>
/// <remarks>Only the client's own types derive from it. Handlers must not throw.</remarks>
public abstract class SignalObservableObject : INotifyPropertyChanged
{
    private readonly SynchronizationContext? _context = SynchronizationContext.Current;

    /// <summary>Initializes the object, capturing the current <see cref="SynchronizationContext"/> for its events.</summary>
    private protected SignalObservableObject()
    {
    }

    /// <inheritdoc/>
    public event PropertyChangedEventHandler? PropertyChanged;

    /// <summary>Occurs once after every change of the object's state, after its <see cref="PropertyChanged"/> events.</summary>
    public event EventHandler? Changed;

    /// <summary>Raises one <see cref="PropertyChanged"/> per name, then one <see cref="Changed"/>; nothing when no property changed.</summary>
    /// <param name="properties">The names of the properties that changed; the list is read later when the events are posted.</param>
    private protected void RaiseChanged(List<string> properties)
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
                    (SignalObservableObject owner, List<string> names) = ((SignalObservableObject, List<string>))state!;
                    owner.Invoke(names);
                },
                (this, properties));
        }
    }

    private void Invoke(List<string> properties)
    {
        PropertyChangedEventHandler? propertyChanged = PropertyChanged;
        foreach (string property in properties)
        {
            propertyChanged?.Invoke(this, new PropertyChangedEventArgs(property));
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }
}
