using System.Diagnostics.CodeAnalysis;

namespace Signals;

/// <summary>One <c>AddSignalProducer(…)</c> call: the template it produces and the delegate, bound to its argument type at start-up.</summary>
internal sealed class SignalProducerRegistration
{
    private readonly Func<Func<SignalKey, SignalEmitter, CancellationToken, Task>> _bind;

    private SignalProducerRegistration(string template, Func<Func<SignalKey, SignalEmitter, CancellationToken, Task>> bind)
    {
        Template = template;
        _bind = bind;
    }

    /// <summary>Gets the template, e.g. <c>time:room:{RoomId}</c>.</summary>
    public string Template { get; }

    /// <summary>Creates a registration whose delegate takes the key's arguments as <typeparamref name="TArgs"/>.</summary>
    /// <typeparam name="TArgs">The argument type (see <see cref="ProducerArguments"/>), or <see cref="SignalKey"/>.</typeparam>
    /// <param name="template">The template.</param>
    /// <param name="produce">The producer.</param>
    /// <returns>The registration.</returns>
    public static SignalProducerRegistration Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TArgs>(
        string template, Func<TArgs, SignalEmitter, CancellationToken, Task> produce)
        => new(template, () =>
        {
            Func<SignalKey, TArgs> binder = ProducerArguments.CreateBinder<TArgs>(template);
            return (key, emit, cancellationToken) => produce(binder(key), emit, cancellationToken);
        });

    /// <summary>Binds the delegate to its argument type; called once at start-up.</summary>
    /// <returns>The producer as a function of the key.</returns>
    /// <exception cref="InvalidOperationException">The argument type does not fit the template's placeholders.</exception>
    public Func<SignalKey, SignalEmitter, CancellationToken, Task> Bind() => _bind();
}
