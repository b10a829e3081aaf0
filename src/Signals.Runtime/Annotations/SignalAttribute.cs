namespace Signals;

/// <summary>
/// Declares that a type is a signal: changes to its instances bump one key, and the source generator emits its typed key
/// (<c>Keys.All</c>), the entity-to-keys mapping used by the EF Core interceptor (an explicit <see cref="ISignalSource"/>
/// implementation), its entry in the <see cref="SignalCatalog"/>, and, when the assembly references the
/// Signals.Client package, a typed accessor on <c>Signals.Client.ISignalsClient</c> (<c>client.ChatMessage().All</c>).
/// </summary>
/// <remarks>
/// <para>The type must be a non-generic, <see langword="partial"/> class, record or struct (and so must the types that contain it).
/// Without an explicit key the name is the type's name in kebab-case (<c>ChatMessage</c> → <c>chat-message</c>). The key is prefixed
/// with the <see cref="SignalNamespaceAttribute"/> namespace when one applies.</para>
/// <para>Misuse is a compile-time error <c>SIGnnnn</c> (see <c>docs/diagnostics</c>); the generator then generates nothing for the type.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class SignalAttribute : Attribute
{
    /// <summary>Initializes a new instance with a key derived from the type's name.</summary>
    public SignalAttribute()
    {
    }

    /// <summary>Initializes a new instance with an explicit key.</summary>
    /// <param name="key">The key's literal segments, e.g. <c>app:theme</c> (see <see cref="SignalKey"/>).</param>
    public SignalAttribute(string key) => Key = key;

    /// <summary>Gets the explicit key, or <see langword="null"/> when it derives from the type's name.</summary>
    public string? Key { get; }
}
