namespace Signals;

/// <summary>
/// Sets the namespace (first key segment) of the signals declared on a type, or on every type of an assembly.
/// </summary>
/// <remarks>
/// A type's attribute wins over the assembly's. The namespace is the unit of isolation and authorization. It is prefixed to every key
/// and template declared on the type, explicit ones included (<c>[SignalNamespace("ui")] [Signal("layout")]</c> → <c>ui:layout</c>).
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class SignalNamespaceAttribute : Attribute
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="name">The namespace: one literal segment, <c>[A-Za-z0-9_.-]+</c> (e.g. <c>chat</c>).</param>
    public SignalNamespaceAttribute(string name) => Name = name;

    /// <summary>Gets the namespace.</summary>
    public string Name { get; }
}
