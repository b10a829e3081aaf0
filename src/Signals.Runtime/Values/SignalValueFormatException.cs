using System.Text.Json;

namespace Signals;

/// <summary>
/// The stored value of a value signal cannot be read as the type a typed reader asked for: the JSON the store (or the server) holds
/// does not deserialize to it, or is <c>null</c>.
/// </summary>
/// <remarks>
/// <para>Thrown by every typed read (<see cref="SignalValueStoreExtensions.GetAsync{T}"/>, the generated <c>GetAsync</c>/<c>GetWithVersionAsync</c>,
/// <c>SignalValueReference&lt;T&gt;</c> on a client) instead of System.Text.Json's own exception, which names neither the key nor the
/// type. The message names the key, its version, the expected type and the serializer's first error (path, line and position);
/// <see cref="Exception.InnerException"/> is that error.</para>
/// <para>Stored values come from the app's own writes, from <c>PUT {prefix}/values/{key}</c> when the app maps value writes, or from an
/// older version of the type: fix the value (write a valid one) or delete it, so readers see their default again. Derives from
/// <see cref="JsonException"/>, so code that caught the serializer's exception still catches this one.</para>
/// </remarks>
public sealed class SignalValueFormatException : JsonException
{
    /// <summary>Initializes a new instance with a message built from the key, version and type.</summary>
    /// <param name="state">The state of the key whose value cannot be read (its key and version).</param>
    /// <param name="valueType">The type the reader asked for.</param>
    /// <param name="innerException">The serializer's error, or <see langword="null"/> when the stored JSON is <c>null</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="valueType"/> is <see langword="null"/>.</exception>
    public SignalValueFormatException(SignalVersion state, Type valueType, JsonException? innerException)
        : base(CreateMessage(state, valueType, innerException), innerException)
    {
        State = state;
        ValueType = valueType;
    }

    /// <summary>Gets the key whose stored value cannot be read.</summary>
    public SignalKey Key => State.Key;

    /// <summary>Gets the state of the key when it was read (key, version, hash).</summary>
    public SignalVersion State { get; }

    /// <summary>Gets the type the reader asked for.</summary>
    public Type ValueType { get; }

    private static string CreateMessage(SignalVersion state, Type valueType, JsonException? innerException)
    {
        ArgumentNullException.ThrowIfNull(valueType);
        string problem = innerException is null ? "it is null" : innerException.Message.TrimEnd('.');
        return $"The stored value of '{state.Key}' (version {state.Version}) is not a valid {valueType.FullName ?? valueType.Name}: {problem}. "
            + "Write a valid value, or delete it so readers see their default.";
    }
}
