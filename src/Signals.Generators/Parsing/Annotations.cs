using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Signals.Generators.Parsing;

/// <summary>The Signals attributes applied to one type, matched by metadata name (no compilation-wide symbol lookups).</summary>
internal readonly struct Annotations
{
    private Annotations(AttributeData? signal, ImmutableArray<AttributeData> families, AttributeData? value, AttributeData? computed, AttributeData? @namespace)
    {
        Signal = signal;
        Families = families;
        Value = value;
        Computed = computed;
        Namespace = @namespace;
    }

    /// <summary>Gets the <c>[Signal]</c> attribute, if any.</summary>
    public AttributeData? Signal { get; }

    /// <summary>Gets the <c>[SignalFamily]</c> attributes, in declaration order.</summary>
    public ImmutableArray<AttributeData> Families { get; }

    /// <summary>Gets the <c>[SignalValue]</c> attribute, if any.</summary>
    public AttributeData? Value { get; }

    /// <summary>Gets the <c>[SignalComputed]</c> attribute, if any.</summary>
    public AttributeData? Computed { get; }

    /// <summary>Gets the type's own <c>[SignalNamespace]</c> attribute, if any (the assembly's is read separately).</summary>
    public AttributeData? Namespace { get; }

    /// <summary>Gets a value indicating whether the type declares any signal.</summary>
    public bool DeclaresSignals => Signal is not null || Families.Length > 0 || Value is not null || Computed is not null;

    /// <summary>
    /// Gets the attribute whose generator step emits the type, so it is emitted once: its <c>[SignalValue]</c>, else its
    /// <c>[SignalComputed]</c>, else its <c>[Signal]</c>, else its first <c>[SignalFamily]</c>.
    /// </summary>
    public AttributeData? Owner => Value ?? Computed ?? Signal ?? (Families.Length > 0 ? Families[0] : null);

    /// <summary>Reads the Signals attributes of <paramref name="type"/>.</summary>
    public static Annotations Read(INamedTypeSymbol type)
    {
        AttributeData? signal = null;
        AttributeData? value = null;
        AttributeData? computed = null;
        AttributeData? @namespace = null;
        ImmutableArray<AttributeData>.Builder? families = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            switch (GetName(attribute.AttributeClass))
            {
                case WellKnownTypeNames.SignalAttribute:
                    signal ??= attribute;
                    break;
                case WellKnownTypeNames.SignalFamilyAttribute:
                    (families ??= ImmutableArray.CreateBuilder<AttributeData>()).Add(attribute);
                    break;
                case WellKnownTypeNames.SignalValueAttribute:
                    value ??= attribute;
                    break;
                case WellKnownTypeNames.SignalComputedAttribute:
                    computed ??= attribute;
                    break;
                case WellKnownTypeNames.SignalNamespaceAttribute:
                    @namespace ??= attribute;
                    break;
            }
        }

        return new Annotations(signal, families?.ToImmutable() ?? ImmutableArray<AttributeData>.Empty, value, computed, @namespace);
    }

    /// <summary>Finds the assembly's <c>[SignalNamespace]</c>.</summary>
    public static AttributeData? FindAssemblyNamespace(IAssemblySymbol assembly)
    {
        foreach (AttributeData attribute in assembly.GetAttributes())
        {
            if (IsNamed(attribute, WellKnownTypeNames.SignalNamespaceAttribute))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="attribute"/> is the Signals attribute <paramref name="attributeName"/>, e.g. <c>Signals.SignalAttribute</c>.</summary>
    /// <param name="attribute">An applied attribute.</param>
    /// <param name="attributeName">A metadata name from <see cref="WellKnownTypeNames"/>.</param>
    /// <returns>Whether the names match.</returns>
    public static bool IsNamed(AttributeData attribute, string attributeName) => GetName(attribute.AttributeClass) == attributeName;

    /// <summary>The metadata name of a top-level type in the <c>Signals</c> namespace, or <see langword="null"/>.</summary>
    private static string? GetName(INamedTypeSymbol? type)
        => type is { ContainingType: null, ContainingNamespace: { Name: "Signals", ContainingNamespace.IsGlobalNamespace: true } }
            ? "Signals." + type.MetadataName
            : null;
}
