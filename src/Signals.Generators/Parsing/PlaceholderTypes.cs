using System.Linq;
using Microsoft.CodeAnalysis;
using Signals.Generators.Helpers;

namespace Signals.Generators.Parsing;

/// <summary>The types a family placeholder may have: those <c>SignalKey.FormatArgument</c> formats culture-invariantly, and wrappers of them.</summary>
internal static class PlaceholderTypes
{
    /// <summary>How the diagnostic for an unsupported placeholder type says what to use instead.</summary>
    public const string Supported =
        "use string, Guid, an integer type, bool, an enum, DateOnly, DateTimeOffset, or a single-value wrapper of one of them "
        + "(a struct, record or sealed class with one property, e.g. 'readonly record struct RoomId(Guid Value)')";

    /// <summary>The kind of a <see cref="string"/> argument (<c>Signals.SignalPlaceholderKind.String</c>).</summary>
    public const string StringKind = "String";

    /// <summary>
    /// The <c>Signals.SignalPlaceholderKind</c> member describing a <see cref="IsPrimitive">primitive</see> type's formatted argument:
    /// <c>String</c>, <c>Boolean</c>, <c>Integer</c>, <c>Enum</c>, <c>Guid</c>, <c>DateOnly</c> or <c>DateTimeOffset</c>.
    /// </summary>
    public static string GetKind(ITypeSymbol type) => type switch
    {
        { SpecialType: SpecialType.System_String } => StringKind,
        { SpecialType: SpecialType.System_Boolean } => "Boolean",
        { TypeKind: TypeKind.Enum } => "Enum",
        { SpecialType: not SpecialType.None } => "Integer",
        _ => type.MetadataName switch
        {
            "Guid" => "Guid",
            "DateOnly" => "DateOnly",
            "DateTimeOffset" => "DateTimeOffset",
            _ => "Integer", // Int128, UInt128
        },
    };

    /// <summary>An enum's member names in declaration order (what <c>Enum.ToString()</c> writes), or empty for another type.</summary>
    public static EquatableArray<string> GetEnumMembers(ITypeSymbol type)
        => type.TypeKind == TypeKind.Enum
            ? type.GetMembers().OfType<IFieldSymbol>().Where(static f => f.HasConstantValue).Select(static f => f.Name).ToEquatableArray()
            : EquatableArray<string>.Empty;

    /// <summary>Whether <paramref name="type"/> is formatted directly: string, bool, an integer type, an enum, Guid, DateOnly or DateTimeOffset.</summary>
    public static bool IsPrimitive(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Boolean:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return true;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        if (type.ContainingType is not null || type.ContainingNamespace is not { Name: "System", ContainingNamespace.IsGlobalNamespace: true })
        {
            return false;
        }

        string fullName = "System." + type.MetadataName;
        return fullName is WellKnownTypeNames.Guid or WellKnownTypeNames.DateOnly or WellKnownTypeNames.DateTimeOffset
            or WellKnownTypeNames.Int128 or WellKnownTypeNames.UInt128;
    }

    /// <summary>
    /// Finds the one property of a single-value wrapper (a strongly typed id): a non-generic struct, record or sealed class, deriving
    /// from nothing else, whose only instance property has a <see cref="IsPrimitive">primitive</see> type and a getter that
    /// <paramref name="within"/> can call. Properties, not fields, decide: private fields of referenced assemblies are not visible.
    /// </summary>
    /// <returns>The wrapped property, or <see langword="null"/> when <paramref name="type"/> is not a wrapper.</returns>
    public static IPropertySymbol? FindWrappedProperty(ITypeSymbol type, INamedTypeSymbol within, Compilation compilation)
    {
        if (type is not INamedTypeSymbol { Arity: 0, TypeKind: TypeKind.Struct or TypeKind.Class } named
            || named.SpecialType != SpecialType.None
            || (named.TypeKind == TypeKind.Class && !named.IsRecord && !named.IsSealed)
            || named.BaseType is { SpecialType: not (SpecialType.System_Object or SpecialType.System_ValueType) })
        {
            return null;
        }

        IPropertySymbol? single = null;
        foreach (ISymbol member in named.GetMembers())
        {
            if (member is not IPropertySymbol { IsStatic: false } property || (named.IsRecord && property.Name == "EqualityContract"))
            {
                continue;
            }

            if (single is not null)
            {
                return null;
            }

            single = property;
        }

        return single is { IsIndexer: false, GetMethod: { } getter }
               && IsPrimitive(single.Type)
               && compilation.IsSymbolAccessibleWithin(getter, within)
            ? single
            : null;
    }
}
