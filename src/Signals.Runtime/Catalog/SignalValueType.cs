using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Signals;

/// <summary>
/// The declared type of a value signal's value (<see cref="SignalDescriptor.ValueType"/>): what a value written over HTTP must
/// deserialize to, and the JSON contract tooling describes (the TypeScript types of <c>{prefix}/keys.d.ts</c>).
/// </summary>
/// <remarks>
/// <para>The source generator emits <c>SignalValueType.Create&lt;T&gt;()</c> into each value signal's catalog entry, so the type is
/// known without reflection over the app's assemblies and the check is compiled for <c>T</c> (trimming keeps what it uses). A value is
/// checked exactly as the typed readers read it: <see cref="SignalValueStoreExtensions.Deserialize{T}"/>, with
/// <see cref="JsonSerializerDefaults.Web"/>.</para>
/// <para>Two instances are equal when they describe the same <see cref="Type"/>.</para>
/// </remarks>
public sealed class SignalValueType : IEquatable<SignalValueType>
{
    private readonly Func<JsonElement, string?> _check;

    private SignalValueType(Type type, Func<JsonElement, string?> check)
    {
        Type = type;
        _check = check;
    }

    /// <summary>Gets the value's CLR type.</summary>
    public Type Type { get; }

    /// <summary>
    /// Gets the System.Text.Json contract the value store reads and writes the value with (<see cref="JsonSerializerOptions.Web"/>):
    /// its JSON property names (camelCase unless <c>[JsonPropertyName]</c> says otherwise), kinds and converters.
    /// </summary>
    public JsonTypeInfo JsonTypeInfo => SignalValueStoreExtensions.JsonOptions.GetTypeInfo(Type);

    /// <summary>Describes the value type <typeparamref name="T"/>. Called by generated code; apps that compose a catalog by hand may call it too.</summary>
    /// <typeparam name="T">The value signal's type.</typeparam>
    /// <returns>The description.</returns>
    public static SignalValueType Create<T>()
        => new(typeof(T), static json => SignalValueStoreExtensions.TryDeserialize(json, out T? _, out string? error) ? null : error);

    /// <summary>Tells whether a JSON value deserializes to <see cref="Type"/>, as every typed reader will read it.</summary>
    /// <param name="value">The JSON value.</param>
    /// <param name="error">
    /// When it does not, the serializer's first error with its JSON path (<c>The JSON value could not be converted to System.Int32.
    /// Path: $.fontSize | …</c>), or that the value is <c>null</c>; otherwise <see langword="null"/>.
    /// </param>
    /// <returns><see langword="true"/> when a typed read of <paramref name="value"/> succeeds.</returns>
    public bool Accepts(JsonElement value, [NotNullWhen(false)] out string? error)
    {
        error = _check(value);
        return error is null;
    }

    /// <inheritdoc/>
    public bool Equals(SignalValueType? other) => other is not null && Type == other.Type;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SignalValueType);

    /// <inheritdoc/>
    public override int GetHashCode() => Type.GetHashCode();

    /// <summary>Returns the type's full name.</summary>
    /// <returns>E.g. <c>Shop.ShopSettings</c>.</returns>
    public override string ToString() => Type.FullName ?? Type.Name;
}
