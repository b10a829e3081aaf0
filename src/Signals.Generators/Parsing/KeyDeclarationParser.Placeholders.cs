using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Signals.Generators.Diagnostics;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators.Parsing;

// Binding placeholders to parameters, and the parts of a value signal beyond its key: its default and its counters.
internal readonly partial struct KeyDeclarationParser
{
    /// <summary>Parameter names of the generated value accessors, which a value placeholder's parameter must not take.</summary>
    private static readonly string[] ValueAccessorParameters = ["store", "value", "delta", "cancellationToken", "client"];

    /// <summary>A value signal's placeholder is a <see cref="string"/> argument of its accessors (renamed when it clashes with theirs).</summary>
    private static SignalParameterModel BindValueArgument(TemplateSegment segment)
    {
        string placeholder = segment.Placeholder!;
        string parameterName = Naming.ToCamelCase(placeholder);
        if (Array.IndexOf(ValueAccessorParameters, parameterName) >= 0)
        {
            parameterName += "Argument";
        }

        return new SignalParameterModel(placeholder, Naming.EscapeKeyword(parameterName), "string", "string", false, false, null, false,
            PlaceholderTypes.StringKind, "System.String", EquatableArray<string>.Empty);
    }

    /// <summary>Binds a family placeholder to a property whose type is formatted culture-invariantly, directly or through a wrapper.</summary>
    private SignalParameterModel? ParseParameter(TemplateSegment segment, AttributeData family, string pattern, out bool isPublic)
    {
        isPublic = false;
        string propertyName = segment.Placeholder!;
        Location? location = Locations.OfArgumentText(family, segment.Offset, segment.Text.Length);
        if (FindProperty(propertyName) is not { } property)
        {
            diagnostics.Report(DiagnosticDescriptors.UnknownPlaceholder, location, propertyName, pattern, TypeNames.Display(type));
            return null;
        }

        bool isNullableValueType = property.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        ITypeSymbol underlying = isNullableValueType ? ((INamedTypeSymbol)property.Type).TypeArguments[0] : property.Type;
        IPropertySymbol? wrapped = PlaceholderTypes.IsPrimitive(underlying) ? null : PlaceholderTypes.FindWrappedProperty(underlying, type, compilation);
        if (wrapped is null && !PlaceholderTypes.IsPrimitive(underlying))
        {
            diagnostics.Report(DiagnosticDescriptors.UnsupportedPlaceholderType, location, propertyName, TypeNames.Display(property.Type), PlaceholderTypes.Supported);
            return null;
        }

        Accessibility accessibility = TypeHierarchy.GetEffectiveAccessibility(underlying);
        if (accessibility is not (Accessibility.Public or Accessibility.Internal))
        {
            diagnostics.Report(DiagnosticDescriptors.UnsupportedPlaceholderType, location, propertyName, TypeNames.Display(property.Type),
                $"'{TypeNames.Display(underlying)}' is not accessible outside its containing type, but the generated key factory takes it as a parameter; make it internal or public");
            return null;
        }

        isPublic = accessibility == Accessibility.Public;
        string parameterType = TypeNames.FullyQualified(underlying);
        bool isReference = underlying.IsReferenceType;
        ITypeSymbol formatted = wrapped?.Type ?? underlying;
        return new SignalParameterModel(
            PropertyName: propertyName,
            ParameterName: Naming.EscapeKeyword(Naming.ToCamelCase(propertyName)),
            ParameterType: parameterType,
            ValueType: isReference || isNullableValueType ? parameterType + "?" : parameterType,
            IsNullable: isReference || isNullableValueType,
            IsNullableValueType: isNullableValueType,
            WrapperMember: wrapped is null ? null : Naming.EscapeKeyword(wrapped.Name),
            IsReferenceWrapper: wrapped is not null && isReference,
            Kind: PlaceholderTypes.GetKind(formatted),
            FormattedTypeName: TypeHierarchy.GetClrTypeName((INamedTypeSymbol)formatted),
            EnumMembers: PlaceholderTypes.GetEnumMembers(formatted));
    }

    /// <summary>An instance, non-indexer, readable property declared on the type or a base type.</summary>
    private IPropertySymbol? FindProperty(string name)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers(name))
            {
                return member is IPropertySymbol { IsStatic: false, IsIndexer: false, GetMethod: not null } property ? property : null;
            }
        }

        return null;
    }

    /// <summary>A value signal's default is <c>new T()</c>: it must compile and, for a struct, not silently skip constructor defaults.</summary>
    private void CheckDefault()
    {
        static bool IsOptional(IParameterSymbol parameter) => parameter.IsOptional || parameter.IsParams;

        string? reason;
        if (type.IsAbstract)
        {
            reason = "it is abstract; make it a concrete type";
        }
        else if (type.TypeKind == TypeKind.Struct)
        {
            bool hasParameterless = type.InstanceConstructors.Any(static c => c.Parameters.Length == 0 && !c.IsImplicitlyDeclared);
            reason = !hasParameterless && type.InstanceConstructors.Any(static c => c.Parameters.Length > 0 && c.Parameters.All(IsOptional))
                ? $"'new {type.Name}()' on a struct does not call a constructor whose parameters are all optional, so their defaults would be lost; add a parameterless constructor, e.g. 'public {type.Name}() : this(...) {{ }}'"
                : null;
        }
        else
        {
            IMethodSymbol[] callable = [.. type.InstanceConstructors.Where(static c => c.Parameters.All(IsOptional))];
            reason = callable.Length == 0 ? "add a parameterless constructor, or give every parameter of the primary constructor a default value"
                : callable.Length > 1 && !callable.Any(static c => c.Parameters.Length == 0) ? "more than one constructor can be called without arguments; keep one, or add a parameterless constructor"
                : null;
        }

        if (reason is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.NoUsableDefault, Locations.OfType(type), TypeNames.Display(type), reason);
        }
    }

    /// <summary>The public <see cref="int"/> and <see cref="long"/> properties the JSON value holds, most derived first.</summary>
    private EquatableArray<CounterModel> GetCounters()
    {
        var counters = new List<CounterModel>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType == SpecialType.None; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } property
                    && seen.Add(property.Name)
                    && property.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
                    && !property.GetAttributes().Any(static a => TypeNames.Is(a.AttributeClass, WellKnownTypeNames.JsonIgnoreAttribute)))
                {
                    string? jsonName = property.GetAttributes()
                        .FirstOrDefault(static a => TypeNames.Is(a.AttributeClass, WellKnownTypeNames.JsonPropertyNameAttribute))?
                        .ConstructorArguments.FirstOrDefault().Value as string;
                    counters.Add(new CounterModel(property.Name, jsonName ?? Naming.ToCamelCase(property.Name)));
                }
            }
        }

        return counters.ToEquatableArray();
    }
}
