using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Signals.AspNetCore.ClientScript;

/// <summary>
/// TypeScript types for the JSON of value signals, read from the System.Text.Json contract the value store writes them with
/// (<see cref="SignalValueType.JsonTypeInfo"/>): property names as written (camelCase, <c>[JsonPropertyName]</c>), <c>| null</c> where
/// the property may be null, enums as the JSON values they are written as (names with <c>JsonStringEnumConverter</c>, numbers
/// otherwise), nested objects as their own interfaces, collections as arrays, dictionaries as records, dates, times, Guids and URIs as
/// strings, polymorphic types as the union of their derived types with the discriminator. What the contract does not describe (a
/// custom converter) is <c>unknown</c>.
/// </summary>
/// <remarks>One instance writes one file: it names each CLR type once (its simple name; the full name when two types share it).</remarks>
internal sealed class TypeScriptTypes
{
    private static readonly HashSet<Type> Numbers =
    [
        typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong),
        typeof(float), typeof(double), typeof(decimal), typeof(Half), typeof(Int128), typeof(UInt128), typeof(nint), typeof(nuint), typeof(BigInteger),
    ];

    private static readonly HashSet<Type> Strings =
    [
        typeof(string), typeof(char), typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly), typeof(TimeOnly), typeof(TimeSpan),
        typeof(Guid), typeof(Uri), typeof(Version), typeof(byte[]), typeof(Memory<byte>), typeof(ReadOnlyMemory<byte>),
    ];

    private readonly JsonSerializerOptions _options;
    private readonly NullabilityInfoContext _nullability = new();
    private readonly Dictionary<Type, string> _names = [];
    private readonly HashSet<string> _taken;
    private readonly Queue<Type> _pending = new();

    /// <param name="options">The options the values are written with (the value store's).</param>
    /// <param name="reservedNames">Names the file already uses (<c>keys</c>, <c>ValueKey</c>): no type gets one.</param>
    public TypeScriptTypes(JsonSerializerOptions options, IEnumerable<string> reservedNames)
    {
        _options = options;
        _taken = new HashSet<string>(reservedNames, StringComparer.Ordinal);
    }

    /// <summary>Gets the TypeScript type of a value: a name for an object (declared by <see cref="WriteDeclarations"/>), else an expression.</summary>
    public string Reference(Type type) => Map(type, nullability: null, numbersAsStrings: false);

    /// <summary>Writes an <c>export interface</c> (or <c>export type</c>) for each object type referenced so far, and for those they reference.</summary>
    public void WriteDeclarations(StringBuilder output)
    {
        while (_pending.TryDequeue(out Type? type))
        {
            JsonTypeInfo info = _options.GetTypeInfo(type);
            string name = _names[type];
            output.Append(CultureInfo.InvariantCulture, $"\n/** The JSON of {type.FullName ?? type.Name}. */\n");
            if (info.PolymorphismOptions is { DerivedTypes.Count: > 0 } polymorphism)
            {
                WritePolymorphic(output, type, name, polymorphism);
                continue;
            }

            output.Append(CultureInfo.InvariantCulture, $"export interface {name} ");
            WriteObject(output, info);
            output.Append('\n');
        }
    }

    private void WritePolymorphic(StringBuilder output, Type type, string name, JsonPolymorphismOptions polymorphism)
    {
        // Serialized as the base type, each derived type writes its own properties after the discriminator (when it has one).
        var cases = new List<string>();
        foreach (JsonDerivedType derived in polymorphism.DerivedTypes)
        {
            string shape = ObjectLiteral(_options.GetTypeInfo(derived.DerivedType));
            cases.Add(derived.TypeDiscriminator is { } discriminator
                ? $"{{ {PropertyName(polymorphism.TypeDiscriminatorPropertyName)}: {(discriminator is string text ? KeysScript.Quote(text) : Convert.ToString(discriminator, CultureInfo.InvariantCulture))} }} & {shape}"
                : shape);
        }

        if (!type.IsAbstract && polymorphism.DerivedTypes.All(d => d.DerivedType != type))
        {
            cases.Add(ObjectLiteral(_options.GetTypeInfo(type)));
        }

        output.Append(CultureInfo.InvariantCulture, $"export type {name} =\n  | {string.Join("\n  | ", cases)};\n");
    }

    private string ObjectLiteral(JsonTypeInfo info)
    {
        var literal = new StringBuilder();
        WriteObject(literal, info, inline: true);
        return literal.ToString();
    }

    /// <summary>Writes <c>{ name: type; … }</c>, one property a line (or all on one line when <paramref name="inline"/>).</summary>
    private void WriteObject(StringBuilder output, JsonTypeInfo info, bool inline = false)
    {
        string separator = inline ? " " : "\n  ";
        output.Append('{');
        int written = 0;
        foreach (JsonPropertyInfo property in info.Properties)
        {
            if (property.Get is null)
            {
                continue; // never written
            }

            output.Append(separator);
            written++;
            if (property.IsExtensionData)
            {
                output.Append("[property: string]: unknown;");
                continue;
            }

            // Nullability annotations say what elements may be null (List<string?>), but not for a member typed by a generic
            // parameter (Page<T>.Items): the annotation of T's argument is at the use site, which the member cannot see.
            NullabilityInfo? nullability = property.AttributeProvider switch
            {
                PropertyInfo member when !IsDeclaredGeneric(member) => _nullability.Create(member),
                FieldInfo member when !IsDeclaredGeneric(member) => _nullability.Create(member),
                _ => null,
            };
            bool numbersAsStrings = ((property.NumberHandling ?? info.NumberHandling ?? _options.NumberHandling) & JsonNumberHandling.WriteAsString) != 0;
            string type = property.CustomConverter is null
                ? Map(property.PropertyType, nullability, numbersAsStrings)
                : Converted(property.PropertyType, property.CustomConverter, _options);
            bool nullable = !property.PropertyType.IsValueType && property.IsGetNullable;
            string optional = property.ShouldSerialize is null ? string.Empty : "?";
            output.Append(CultureInfo.InvariantCulture, $"{PropertyName(property.Name)}{optional}: {type}{(nullable ? " | null" : string.Empty)};");
        }

        output.Append(written == 0 ? "}" : inline ? " }" : "\n}");
    }

    /// <summary>Whether a member of a constructed generic type is declared with a type that involves the type's generic parameters.</summary>
    private static bool IsDeclaredGeneric(MemberInfo member)
    {
        Type? declaring = member.DeclaringType;
        if (declaring is not { IsConstructedGenericType: true })
        {
            return false;
        }

        MemberInfo? open = declaring.GetGenericTypeDefinition().GetMember(member.Name, member.MemberType, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).FirstOrDefault();
        return open switch
        {
            PropertyInfo property => property.PropertyType.ContainsGenericParameters,
            FieldInfo field => field.FieldType.ContainsGenericParameters,
            _ => true,
        };
    }

    private string Map(Type type, NullabilityInfo? nullability, bool numbersAsStrings)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return $"{Map(underlying, nullability, numbersAsStrings)} | null";
        }

        if (Numbers.Contains(type))
        {
            return numbersAsStrings ? "string" : "number";
        }

        if (type == typeof(bool))
        {
            return "boolean";
        }

        if (Strings.Contains(type))
        {
            return "string";
        }

        if (type.IsEnum)
        {
            return EnumValues(type, _options);
        }

        if (type == typeof(JsonObject))
        {
            return "Record<string, unknown>";
        }

        if (type == typeof(JsonArray))
        {
            return "unknown[]";
        }

        JsonTypeInfo info = _options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable:
                return $"Array<{Element(info.ElementType!, ElementNullability(type, nullability, dictionary: false), numbersAsStrings)}>";
            case JsonTypeInfoKind.Dictionary:
                return $"Record<string, {Element(info.ElementType!, ElementNullability(type, nullability, dictionary: true), numbersAsStrings)}>";
            case JsonTypeInfoKind.Object:
                return Name(type);
            default:
                return "unknown"; // a converter: JsonElement, JsonNode, object, or the app's own
        }
    }

    private string Element(Type type, NullabilityInfo? nullability, bool numbersAsStrings)
    {
        string mapped = Map(type, nullability, numbersAsStrings);
        bool nullable = !type.IsValueType && nullability?.ReadState == NullabilityState.Nullable;
        return nullable ? $"{mapped} | null" : mapped;
    }

    /// <summary>The nullability of a collection's element, from the annotation of the property that holds it (<c>List&lt;string?&gt;</c>).</summary>
    private static NullabilityInfo? ElementNullability(Type collection, NullabilityInfo? nullability, bool dictionary)
        => nullability is null ? null
            : collection.IsArray ? nullability.ElementType
            : nullability.GenericTypeArguments is { Length: > 0 } arguments ? arguments[dictionary ? arguments.Length - 1 : 0]
            : null;

    /// <summary>A property with its own <c>[JsonConverter]</c>: an enum shows the values that converter writes; anything else is <c>unknown</c>.</summary>
    private static string Converted(Type type, JsonConverter converter, JsonSerializerOptions baseOptions)
    {
        Type enumType = Nullable.GetUnderlyingType(type) ?? type;
        if (!enumType.IsEnum)
        {
            return "unknown";
        }

        var options = new JsonSerializerOptions(baseOptions);
        options.Converters.Add(converter);
        string values = EnumValues(enumType, options);
        return enumType == type ? values : $"{values} | null";
    }

    /// <summary>The JSON an enum's members are written as, as a union (<c>"Low" | "High"</c> or <c>0 | 1</c>); combinations of [Flags] are any string or number.</summary>
    private static string EnumValues(Type type, JsonSerializerOptions options)
    {
        string[] values = [.. Enum.GetValuesAsUnderlyingType(type).Cast<object>()
            .Select(value => JsonSerializer.Serialize(Enum.ToObject(type, value), type, options)).Distinct(StringComparer.Ordinal)];
        bool strings = values.Length > 0 && values[0].StartsWith('"');
        return type.IsDefined(typeof(FlagsAttribute), inherit: false) ? (strings ? "string" : "number")
            : values.Length == 0 ? "never"
            : string.Join(" | ", values);
    }

    private string Name(Type type)
    {
        if (_names.TryGetValue(type, out string? name))
        {
            return name;
        }

        string simple = SimpleName(type);
        name = _taken.Contains(simple) ? Sanitize((type.FullName ?? simple).Replace('.', '_').Replace('+', '_')) : simple;
        string candidate = name;
        for (int n = 2; !_taken.Add(candidate); n++)
        {
            candidate = name + n.ToString(CultureInfo.InvariantCulture);
        }

        _names[type] = candidate;
        _pending.Enqueue(type);
        return candidate;
    }

    /// <summary><c>Settings</c>; a generic type names its arguments: <c>Page&lt;Item&gt;</c> → <c>PageOfItem</c>.</summary>
    private static string SimpleName(Type type)
    {
        if (!type.IsGenericType)
        {
            return Sanitize(type.Name);
        }

        string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return Sanitize(name + "Of" + string.Join("And", type.GetGenericArguments().Select(SimpleName)));
    }

    private static string Sanitize(string name)
    {
        string cleaned = new([.. name.Where(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$')]);
        return cleaned.Length == 0 || char.IsAsciiDigit(cleaned[0]) ? "_" + cleaned : cleaned;
    }

    private static string PropertyName(string name) => KeyBuilder.IsIdentifier(name) ? name : KeysScript.Quote(name);
}
