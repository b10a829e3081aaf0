namespace Signals;

/// <summary>
/// Declares that a type is a value signal: its instances are small JSON values stored by Signals (a counter, a theme, a setting),
/// and the key's version is bumped each time the stored value actually changes.
/// </summary>
/// <remarks>
/// <para>The generator emits, on the type, <c>Keys.Value</c> (a <see cref="SignalKey"/> property, or a method taking one
/// <see cref="string"/> per placeholder) and a <c>Values</c> class of typed accessors over an <see cref="ISignalValueStore"/>:
/// <c>CreateDefault()</c>, <c>GetAsync</c>, <c>GetWithVersionAsync</c>, <c>SetAsync</c> (a value equal to the stored one bumps nothing),
/// <c>DeleteAsync</c>, and for each public <see cref="int"/> or <see cref="long"/> property an atomic <c>Increment{Property}Async</c>;
/// a catalog entry; and, when the assembly references the Signals.Client package, a typed client accessor returning a
/// <c>Signals.Client.SignalValueReference&lt;T&gt;</c> (<c>client.Theme()</c>).</para>
/// <para>The type must be a non-generic <see langword="partial"/> class, record or struct with a usable default, <c>new T()</c>, which is
/// what readers see before anything was stored: a parameterless constructor, or a constructor whose parameters all have default values
/// (<c>partial record Theme(string Mode = "dark")</c>). For a struct, <c>new T()</c> ignores such defaults, so a struct with one needs an
/// explicit parameterless constructor. It cannot also carry <see cref="SignalAttribute"/> or <see cref="SignalFamilyAttribute"/>.</para>
/// <para>Without an explicit key the name is the type's name in kebab-case, prefixed with the <see cref="SignalNamespaceAttribute"/>
/// namespace when one applies. A key may hold placeholders (<c>settings:timezone:{RoomId}</c>): one value per argument, and the
/// generated accessors take each placeholder as a <see cref="string"/> parameter.</para>
/// <para>Values are serialized with <see cref="System.Text.Json.JsonSerializerDefaults.Web"/> (camelCase).</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class SignalValueAttribute : Attribute
{
    /// <summary>Initializes a new instance with a key derived from the type's name.</summary>
    public SignalValueAttribute()
    {
    }

    /// <summary>Initializes a new instance with an explicit key or template.</summary>
    /// <param name="key">The key, e.g. <c>app:theme</c>, or a template such as <c>settings:timezone:{RoomId}</c> (see <see cref="SignalKey"/>).</param>
    public SignalValueAttribute(string key) => Key = key;

    /// <summary>Gets the explicit key or template, or <see langword="null"/> when it derives from the type's name.</summary>
    public string? Key { get; }
}
