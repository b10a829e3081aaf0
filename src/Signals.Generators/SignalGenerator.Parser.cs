using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators;

public sealed partial class SignalGenerator
{
    /// <summary>Turns an annotated type into a <see cref="SignalTypeModel"/>, or <see langword="null"/> when it is not a valid target.</summary>
    /// <remarks>Every check here keeps the emitted code compilable; the later analyzer reports the same conditions as diagnostics.</remarks>
    internal static class Parser
    {
        /// <summary>The longest key, in UTF-8 bytes (<c>SignalKey.MaxByteCount</c>).</summary>
        private const int MaxKeyLength = 512;

        /// <summary><c>Shop.Orders</c>, with keyword parts escaped (<c>@class.Models</c>) and no <c>global::</c>.</summary>
        private static readonly SymbolDisplayFormat NamespaceFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

        /// <summary>Parses a type reached through its <c>[Signal]</c> attribute.</summary>
        public static SignalTypeModel? ParseSignalType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => Parse(context, WellKnownTypeNames.SignalAttribute, cancellationToken);

        /// <summary>Parses a type reached through a <c>[SignalFamily]</c> attribute, unless it also has <c>[Signal]</c>.</summary>
        public static SignalTypeModel? ParseFamilyOnlyType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => Parse(context, WellKnownTypeNames.SignalFamilyAttribute, cancellationToken);

        private static SignalTypeModel? Parse(GeneratorAttributeSyntaxContext context, string triggerAttribute, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
            {
                return null;
            }

            Compilation compilation = context.SemanticModel.Compilation;
            INamedTypeSymbol? signalAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.SignalAttribute);
            INamedTypeSymbol? familyAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.SignalFamilyAttribute);
            INamedTypeSymbol? namespaceAttribute = compilation.GetTypeByMetadataName(WellKnownTypeNames.SignalNamespaceAttribute);
            if (signalAttribute is null || familyAttribute is null || namespaceAttribute is null
                || compilation.GetTypeByMetadataName(WellKnownTypeNames.SignalSource) is null)
            {
                return null;
            }

            ImmutableArray<AttributeData> attributes = type.GetAttributes();
            AttributeData? signal = attributes.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, signalAttribute));
            ImmutableArray<AttributeData> families = attributes
                .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, familyAttribute))
                .ToImmutableArray();

            // A type is emitted once: from its [Signal] when it has one, else from its first [SignalFamily]. A partial type
            // reached through several declarations is parsed only from the declaration holding that first attribute.
            AttributeData? owner = triggerAttribute == WellKnownTypeNames.SignalAttribute
                ? signal
                : signal is null ? families.FirstOrDefault() : null;
            if (owner is null || !IsDeclaredOn(owner, declaration))
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!IsValidTargetShape(type) || !TryGetContainingTypes(type, out EquatableArray<ContainingTypeModel> containingTypes))
            {
                return null;
            }

            string? keyNamespace = GetNamespace(type, namespaceAttribute);
            if (keyNamespace is { } ns && (!IsLiteral(ns) || ns.IndexOf(':') >= 0)) // one literal segment
            {
                return null;
            }

            string? key = null;
            if (signal is not null)
            {
                if (signal.ConstructorArguments.Length > 1
                    || (signal.ConstructorArguments.Length == 1 && signal.ConstructorArguments[0].Value is not string))
                {
                    return null;
                }

                string name = signal.ConstructorArguments.Length == 1 ? (string)signal.ConstructorArguments[0].Value! : ToKebabCase(type.Name);
                key = keyNamespace is null ? name : keyNamespace + ":" + name;
                if (!IsLiteral(key) || key.Length > MaxKeyLength)
                {
                    return null;
                }
            }

            var familyModels = new List<SignalFamilyModel>(families.Length);
            foreach (AttributeData family in families)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (ParseFamily(family, type, keyNamespace, compilation) is not { } familyModel)
                {
                    return null;
                }

                familyModels.Add(familyModel);
            }

            if (!HaveDistinctMembers(key is not null, familyModels))
            {
                return null;
            }

            return new SignalTypeModel(
                HintName: GetHintName(type),
                Namespace: type.ContainingNamespace is { IsGlobalNamespace: false } containingNamespace ? containingNamespace.ToDisplayString(NamespaceFormat) : null,
                ContainingTypes: containingTypes,
                Keyword: GetKeyword(type),
                TypeName: EscapeKeyword(type.Name),
                HidesInheritedKeys: HidesInheritedKeys(type, signalAttribute, familyAttribute, compilation),
                Key: key,
                Families: familyModels.ToEquatableArray());
        }

        private static bool IsDeclaredOn(AttributeData attribute, TypeDeclarationSyntax declaration)
            => attribute.ApplicationSyntaxReference is { } reference
               && reference.SyntaxTree == declaration.SyntaxTree
               && declaration.AttributeLists.Any(list => list.Span.Contains(reference.Span));

        /// <summary>A non-generic, non-static, non-ref class or struct whose every declaration is partial, with room for the generated members.</summary>
        private static bool IsValidTargetShape(INamedTypeSymbol type)
        {
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsStatic || type.IsRefLikeType || type.IsFileLocal
                || type.IsGenericType || !IsPartialEverywhere(type) || type.Name == "Keys")
            {
                return false;
            }

            foreach (ISymbol member in type.GetMembers())
            {
                // A user member named Keys would clash with the generated class; a hand-written AddSignalKeys with ours.
                if (member.Name is "Keys" or "Signals.ISignalSource.AddSignalKeys")
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsPartialEverywhere(INamedTypeSymbol type)
            => type.DeclaringSyntaxReferences.Length > 0
               && type.DeclaringSyntaxReferences.All(static reference =>
                   reference.GetSyntax() is TypeDeclarationSyntax syntax && syntax.Modifiers.Any(SyntaxKind.PartialKeyword));

        private static bool TryGetContainingTypes(INamedTypeSymbol type, out EquatableArray<ContainingTypeModel> containingTypes)
        {
            var chain = new List<ContainingTypeModel>();
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (outer.IsGenericType || outer.IsRefLikeType || outer.IsFileLocal || !IsPartialEverywhere(outer)
                    || outer.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
                {
                    containingTypes = default;
                    return false;
                }

                chain.Add(new ContainingTypeModel(GetKeyword(outer), EscapeKeyword(outer.Name)));
            }

            chain.Reverse();
            containingTypes = chain.ToEquatableArray();
            return true;
        }

        private static string GetKeyword(INamedTypeSymbol type) => type switch
        {
            { TypeKind: TypeKind.Interface } => "interface",
            { TypeKind: TypeKind.Struct, IsRecord: true } => "record struct",
            { TypeKind: TypeKind.Struct } => "struct",
            { IsRecord: true } => "record",
            _ => "class",
        };

        /// <summary>The type's <c>[SignalNamespace]</c> wins over the assembly's.</summary>
        private static string? GetNamespace(INamedTypeSymbol type, INamedTypeSymbol namespaceAttribute)
        {
            AttributeData? attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, namespaceAttribute))
                ?? type.ContainingAssembly.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, namespaceAttribute));
            if (attribute is null)
            {
                return null;
            }

            // An unusable argument becomes an empty namespace, which IsLiteral rejects.
            return attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name ? name : string.Empty;
        }

        private static SignalFamilyModel? ParseFamily(AttributeData family, INamedTypeSymbol type, string? keyNamespace, Compilation compilation)
        {
            if (family.ConstructorArguments.Length != 1 || family.ConstructorArguments[0].Value is not string template)
            {
                return null;
            }

            string? explicitName = null;
            foreach (KeyValuePair<string, TypedConstant> argument in family.NamedArguments)
            {
                if (argument.Key == "Name")
                {
                    explicitName = argument.Value.Value as string;
                }
            }

            var segments = new List<KeySegmentModel>();
            var parameters = new List<SignalParameterModel>();
            var methodName = new StringBuilder();
            int minimumLength = 0;
            bool isPublic = true;
            if (keyNamespace is not null)
            {
                segments.Add(new KeySegmentModel(keyNamespace, -1));
                minimumLength += keyNamespace.Length + 1;
            }

            foreach (string segment in template.Split(':'))
            {
                if (segment.Length > 2 && segment[0] == '{' && segment[segment.Length - 1] == '}')
                {
                    string propertyName = segment.Substring(1, segment.Length - 2);
                    if (segments.Count == 0 || parameters.Any(p => p.PropertyName == propertyName)
                        || ParseParameter(propertyName, type, compilation, out bool parameterIsPublic) is not { } parameter)
                    {
                        return null; // the first segment must be a literal; a property binds once
                    }

                    isPublic &= parameterIsPublic;
                    segments.Add(new KeySegmentModel(string.Empty, parameters.Count));
                    parameters.Add(parameter);
                    minimumLength += 2; // at least one character, and a separator
                }
                else if (IsLiteral(segment))
                {
                    segments.Add(new KeySegmentModel(segment, -1));
                    AppendPascalCase(methodName, segment);
                    minimumLength += segment.Length + 1;
                }
                else
                {
                    return null;
                }
            }

            string name = explicitName ?? methodName.ToString();
            if (!IsIdentifier(name) || minimumLength - 1 > MaxKeyLength)
            {
                return null;
            }

            // Parameter names that collide with each other would not compile; camelCase of distinct properties rarely does.
            if (parameters.Select(static p => p.ParameterName).Distinct(StringComparer.Ordinal).Count() != parameters.Count)
            {
                return null;
            }

            return new SignalFamilyModel(
                Template: keyNamespace is null ? template : keyNamespace + ":" + template,
                MethodName: name,
                Accessibility: isPublic ? "public" : "internal",
                Segments: segments.ToEquatableArray(),
                Parameters: parameters.ToEquatableArray());
        }

        private static SignalParameterModel? ParseParameter(string propertyName, INamedTypeSymbol type, Compilation compilation, out bool isPublic)
        {
            isPublic = false;
            IPropertySymbol? property = FindProperty(type, propertyName);
            if (property is null)
            {
                return null;
            }

            ITypeSymbol propertyType = property.Type;
            bool isNullableValueType = propertyType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
            ITypeSymbol underlying = isNullableValueType ? ((INamedTypeSymbol)propertyType).TypeArguments[0] : propertyType;
            if (!IsSupportedType(underlying))
            {
                return null;
            }

            Accessibility accessibility = GetEffectiveAccessibility(underlying);
            if (accessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return null; // the factory could not expose a private or protected type
            }

            isPublic = accessibility == Accessibility.Public;
            string parameterType = underlying.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            bool isReference = underlying.IsReferenceType;
            return new SignalParameterModel(
                PropertyName: propertyName,
                ParameterName: EscapeKeyword(ToCamelCase(propertyName)),
                ParameterType: parameterType,
                ValueType: isReference || isNullableValueType ? parameterType + "?" : parameterType,
                IsNullable: isReference || isNullableValueType,
                IsNullableValueType: isNullableValueType);
        }

        /// <summary>An instance, non-indexer, readable property declared on the type or a base type.</summary>
        private static IPropertySymbol? FindProperty(INamedTypeSymbol type, string name)
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

        private static bool IsSupportedType(ITypeSymbol type)
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

        private static Accessibility GetEffectiveAccessibility(ITypeSymbol type)
        {
            Accessibility result = Accessibility.Public;
            for (ISymbol? current = type; current is INamedTypeSymbol; current = current.ContainingType)
            {
                Accessibility declared = current.DeclaredAccessibility;
                if (declared is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal or Accessibility.NotApplicable)
                {
                    return declared;
                }

                if (declared is Accessibility.Internal or Accessibility.ProtectedOrInternal)
                {
                    result = Accessibility.Internal;
                }
            }

            return result;
        }

        /// <summary>Whether a base type has an accessible <c>Keys</c> member, or will get a generated one.</summary>
        private static bool HidesInheritedKeys(INamedTypeSymbol type, INamedTypeSymbol signalAttribute, INamedTypeSymbol familyAttribute, Compilation compilation)
        {
            for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            {
                if (baseType.GetMembers("Keys").Any(member => compilation.IsSymbolAccessibleWithin(member, type)))
                {
                    return true;
                }

                if (baseType.DeclaringSyntaxReferences.Length > 0 && baseType.GetAttributes().Any(a =>
                        SymbolEqualityComparer.Default.Equals(a.AttributeClass, signalAttribute)
                        || SymbolEqualityComparer.Default.Equals(a.AttributeClass, familyAttribute)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>No two members of the generated <c>Keys</c> class may share a name and parameter types.</summary>
        private static bool HaveDistinctMembers(bool hasAll, List<SignalFamilyModel> families)
        {
            var signatures = new HashSet<string>(StringComparer.Ordinal);
            foreach (SignalFamilyModel family in families)
            {
                if ((hasAll && family.MethodName == "All") || family.MethodName == "Keys"
                    || !signatures.Add(family.MethodName + "(" + string.Join(",", family.Parameters.Select(static p => p.ParameterType)) + ")"))
                {
                    return false;
                }
            }

            return true;
        }

        private static string GetHintName(INamedTypeSymbol type)
        {
            var parts = new List<string>();
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                parts.Add(current.Name);
            }

            // Unescaped names: a hint name may not contain '@' (namespace @class → "class").
            for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                parts.Add(ns.Name);
            }

            parts.Reverse();
            return string.Join(".", parts);
        }

        /// <summary>One or more segments joined by single <c>:</c>, each <c>[A-Za-z0-9_.-]+</c> (the runtime's literal grammar).</summary>
        internal static bool IsLiteral(string value)
        {
            if (value.Length == 0 || value[0] == ':' || value[value.Length - 1] == ':')
            {
                return false;
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == ':' ? value[i - 1] == ':' : !(IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>ChatMessage</c> → <c>chat-message</c>, <c>HTTPServer</c> → <c>http-server</c>, <c>Room2</c> → <c>room2</c>.</summary>
        internal static string ToKebabCase(string name)
        {
            var builder = new StringBuilder(name.Length + 4);
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (IsAsciiUpper(c))
                {
                    bool afterWord = i > 0 && (IsAsciiLower(name[i - 1]) || IsAsciiDigit(name[i - 1]));
                    bool endsAcronym = i > 0 && IsAsciiUpper(name[i - 1]) && i + 1 < name.Length && IsAsciiLower(name[i + 1]);
                    if (afterWord || endsAcronym)
                    {
                        builder.Append('-');
                    }

                    builder.Append((char)(c + ('a' - 'A')));
                }
                else
                {
                    builder.Append(c);
                }
            }

            return builder.ToString();
        }

        /// <summary><c>RoomId</c> → <c>roomId</c>, <c>ID</c> → <c>id</c>, <c>URLPath</c> → <c>urlPath</c>.</summary>
        internal static string ToCamelCase(string name)
        {
            char[] chars = name.ToCharArray();
            for (int i = 0; i < chars.Length && IsAsciiUpper(chars[i]); i++)
            {
                if (i > 0 && i + 1 < chars.Length && !IsAsciiUpper(chars[i + 1]))
                {
                    break; // keep the capital that starts the next word: URLPath → urlPath
                }

                chars[i] = (char)(chars[i] + ('a' - 'A'));
            }

            return new string(chars);
        }

        /// <summary>Appends a literal segment in PascalCase: <c>user-profile</c> → <c>UserProfile</c>.</summary>
        private static void AppendPascalCase(StringBuilder builder, string literal)
        {
            bool upperNext = true;
            foreach (char c in literal)
            {
                if (c is '-' or '_' or '.')
                {
                    upperNext = true;
                }
                else
                {
                    builder.Append(upperNext && IsAsciiLower(c) ? (char)(c - ('a' - 'A')) : c);
                    upperNext = false;
                }
            }
        }

        private static bool IsIdentifier(string name)
            => SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

        private static string EscapeKeyword(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        private static bool IsAsciiUpper(char c) => c is >= 'A' and <= 'Z';

        private static bool IsAsciiLower(char c) => c is >= 'a' and <= 'z';

        private static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

        private static bool IsAsciiLetterOrDigit(char c) => IsAsciiUpper(c) || IsAsciiLower(c) || IsAsciiDigit(c);
    }
}
