using System.Text.Json.Serialization;

namespace Signals;

/// <summary>A value signal's current value and the version it was stored at.</summary>
/// <typeparam name="T">The value's type: <see cref="System.Text.Json.JsonElement"/> for the untyped store, the value signal's type for typed accessors.</typeparam>
/// <param name="State">The key's state (key, version, hash, time); its version is 0 and <paramref name="Value"/> the default when nothing was stored.</param>
/// <param name="Value">The value.</param>
/// <remarks>
/// <para><see cref="Version"/> is the number sync, the event stream and the JavaScript client report (<c>long v = value.Version</c>);
/// <see cref="State"/> holds the rest. Serialized with System.Text.Json it has the wire shape of <c>GET {prefix}/values/{key}</c>,
/// <c>{"key":"app:theme","version":42,"hash":"9f86d081884c7d65","updatedAt":1699876543210,"value":{…}}</c> (<c>updatedAt</c> in Unix
/// milliseconds), so an app can return it from its own endpoints as it is; it reads back from the same shape.</para>
/// </remarks>
[JsonConverter(typeof(SignalValueJsonConverterFactory))]
public sealed record SignalValue<T>(SignalVersion State, T Value)
{
    /// <summary>Gets the key.</summary>
    public SignalKey Key => State.Key;

    /// <summary>Gets the version the value was stored at: the key's version (0 when nothing was stored).</summary>
    public long Version => State.Version;
}
