namespace Signals;

/// <summary>
/// Declares a parameterised signal on a type: one key per value of the placeholders, e.g. <c>room:{RoomId}</c> gives
/// <c>chat:room:general</c> for a message whose <c>RoomId</c> is <c>general</c>.
/// </summary>
/// <remarks>
/// <para>Each <c>{Name}</c> placeholder is a whole segment and binds to a readable instance property of the type. The generator emits a
/// typed key factory named after the template's literal segments in PascalCase (<c>room:{RoomId}</c> → <c>Keys.Room(string roomId)</c>)
/// unless <see cref="Name"/> is set, the same method on the typed client (<c>client.ChatMessage().Room("general")</c>), and a catalog
/// entry. The EF Core interceptor bumps the key for both the current and the original values of a saved entity, so moving a message to
/// another room bumps both rooms. A placeholder whose value is <see langword="null"/> yields no key.</para>
/// <para>A placeholder's property is a <see cref="string"/>, <see cref="Guid"/>, an integer type, <see cref="bool"/>, an enum,
/// <see cref="DateOnly"/>, <see cref="DateTimeOffset"/>, a <see cref="Nullable{T}"/> of one of those, or a single-value wrapper of one
/// of those (a strongly typed id: a struct, record or sealed class with exactly one instance property, such as
/// <c>readonly record struct RoomId(Guid Value)</c>, formatted by the value it holds). Arguments are formatted culture-invariantly and
/// escaped (<see cref="SignalKey.FormatArgument{T}(T)"/>), so an argument can never forge another key.</para>
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
