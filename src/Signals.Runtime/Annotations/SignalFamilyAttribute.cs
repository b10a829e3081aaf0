namespace Signals;

/// <summary>
/// Declares a parameterised signal on a type: one key per value of the placeholders, e.g. <c>room:{RoomId}</c> gives
/// <c>chat:room:general</c> for a message whose <c>RoomId</c> is <c>general</c>.
/// </summary>
/// <remarks>
/// <para>Each <c>{Name}</c> placeholder binds to a property of the type. The generator emits a typed key factory named after the
/// template's literal segments in PascalCase (<c>room:{RoomId}</c> → <c>Keys.Room(string roomId)</c>) unless <see cref="Name"/> is set,
/// and the EF Core interceptor bumps the key for both the current and the original values of a saved entity, so moving a message to
/// another room bumps both rooms. A placeholder whose value is <see langword="null"/> yields no key.</para>
/// <para>Arguments are formatted culture-invariantly and escaped (<see cref="SignalKey.FormatArgument{T}(T)"/>), so an argument can never forge another key.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class SignalFamilyAttribute : Attribute
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="template">The key template: literal segments and <c>{Property}</c> placeholders joined by <c>:</c>.</param>
    public SignalFamilyAttribute(string template) => Template = template;

    /// <summary>Gets the key template, e.g. <c>room:{RoomId}</c>.</summary>
    public string Template { get; }

    /// <summary>Gets or sets the name of the generated key factory; by default the template's literal segments in PascalCase.</summary>
    public string? Name { get; set; }
}
