using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Signals.Generators.Analyzers;
using Signals.Generators.Diagnostics;
using Signals.Generators.Helpers;
using Signals.Generators.Models;
using Signals.Generators.Parsing;

namespace Signals.Generators;

public sealed partial class SignalGenerator
{
    /// <summary>
    /// Turns an annotated type into a <see cref="SignalTypeModel"/>, reporting every problem to a <see cref="DiagnosticSink"/>.
    /// The generator parses with a silent sink and skips a type with any problem; <see cref="SignalDeclarationAnalyzer"/> parses with a
    /// reporting sink, so what the generator skips and what the analyzer reports are the same by construction.
    /// </summary>
    internal static class Parser
    {
        /// <summary>The longest key, in UTF-8 bytes (<c>SignalKey.MaxByteCount</c>).</summary>
        private const int MaxKeyLength = 512;

        private const string LiteralCharacters = "a literal segment may contain only A-Z, a-z, 0-9, '_', '.' and '-'";

        /// <summary>Parameter names of the generated value accessors, which a value placeholder's parameter must not take.</summary>
        private static readonly string[] ValueAccessorParameters = ["store", "value", "delta", "cancellationToken", "client"];

        /// <summary>Parses a type reached through its <c>[Signal]</c> attribute.</summary>
        public static SignalTypeModel? ParseSignalType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => ParseOwnedType(context, WellKnownTypeNames.SignalAttribute, cancellationToken);

        /// <summary>Parses a type reached through a <c>[SignalFamily]</c> attribute, unless it also has <c>[Signal]</c> or <c>[SignalValue]</c>.</summary>
        public static SignalTypeModel? ParseFamilyOnlyType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => ParseOwnedType(context, WellKnownTypeNames.SignalFamilyAttribute, cancellationToken);

        /// <summary>Parses a type reached through its <c>[SignalValue]</c> attribute.</summary>
        public static SignalTypeModel? ParseValueType(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => ParseOwnedType(context, WellKnownTypeNames.SignalValueAttribute, cancellationToken);

        /// <summary>Parses a type and everything declared on it.</summary>
        /// <param name="type">The annotated type.</param>
        /// <param name="annotations">Its Signals attributes.</param>
        /// <param name="compilation">The compilation, for accessibility checks.</param>
        /// <param name="diagnostics">Receives every problem found.</param>
        /// <param name="declarations">Receives every well-formed key and template with its attribute (for duplicate checks), or <see langword="null"/>.</param>
        /// <param name="cancellationToken">Cancels the parse.</param>
        /// <returns>The model, or <see langword="null"/> when the type declares nothing or has a problem.</returns>
        public static SignalTypeModel? Parse(
            INamedTypeSymbol type,
            Annotations annotations,
            Compilation compilation,
            DiagnosticSink diagnostics,
            List<DeclaredPattern>? declarations,
            CancellationToken cancellationToken)
        {
            if (!annotations.DeclaresSignals)
            {
                return null;
            }

            bool isValue = annotations.Value is not null;
            CheckTypeShape(type, isValue, diagnostics);
            if (!TryGetNamespace(type, annotations.Namespace, diagnostics, out string? keyNamespace))
            {
                return null;
            }

            if (isValue && (annotations.Signal is not null || annotations.Families.Length > 0))
            {
                diagnostics.Report(DiagnosticDescriptors.ValueAndEntitySignal, Locations.Of(annotations.Value!), Display(type));
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var parser = new TypeParser(type, keyNamespace, compilation, diagnostics, declarations);
            string? key = annotations.Signal is { } signal ? parser.ParseSignalKey(signal) : null;
            EquatableArray<SignalFamilyModel> families = parser.ParseFamilies(annotations.Families, hasSignal: annotations.Signal is not null, cancellationToken);
            ValueSignalModel? value = annotations.Value is { } valueAttribute ? parser.ParseValue(valueAttribute) : null;
            if (diagnostics.HasErrors)
            {
                return null;
            }

            return new SignalTypeModel(
                HintName: GetHintName(type),
                Namespace: TypeNames.Namespace(type.ContainingNamespace),
                ContainingTypes: GetContainingTypes(type),
                Keyword: GetKeyword(type),
                TypeName: Naming.EscapeKeyword(type.Name),
                FullyQualifiedName: TypeNames.FullyQualified(type),
                ClrTypeName: GetClrTypeName(type),
                Client: GetClient(type),
                HidesInheritedKeys: HidesInheritedMember(type, "Keys", static a => a.DeclaresSignals, compilation),
                HidesInheritedValues: isValue && HidesInheritedMember(type, "Values", static a => a.Value is not null, compilation),
                Key: key,
                Families: families,
                Value: value);
        }

        /// <summary>Why a <c>[SignalNamespace]</c> argument is not a namespace, or <see langword="null"/> when it is one.</summary>
        public static string? GetNamespaceError(string? name)
            => string.IsNullOrEmpty(name) ? "a namespace must not be empty"
                : name!.IndexOf(':') >= 0 ? "a namespace is one segment and must not contain ':'"
                : Naming.IsLiteralSegment(name) ? null
                : LiteralCharacters;

        private static SignalTypeModel? ParseOwnedType(GeneratorAttributeSyntaxContext context, string trigger, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
            {
                return null;
            }

            // A type is emitted once, by the step of its owner attribute; a partial type is parsed only from the declaration holding it.
            Annotations annotations = Annotations.Read(type);
            if (annotations.Owner is not { } owner || !Annotations.IsNamed(owner, trigger) || !IsDeclaredOn(owner, declaration))
            {
                return null;
            }

            return Parse(type, annotations, context.SemanticModel.Compilation, DiagnosticSink.Silent(), declarations: null, cancellationToken);
        }

        private static bool IsDeclaredOn(AttributeData attribute, TypeDeclarationSyntax declaration)
            => attribute.ApplicationSyntaxReference is { } reference
               && reference.SyntaxTree == declaration.SyntaxTree
               && declaration.AttributeLists.Any(list => list.Span.Contains(reference.Span));

        /// <summary>A non-generic, non-static, non-ref, non-file-local class or struct, partial with its containing types, with room for the generated members.</summary>
        private static void CheckTypeShape(INamedTypeSymbol type, bool isValue, DiagnosticSink diagnostics)
        {
            Location? location = Locations.OfType(type);
            string? kind = type switch
            {
                { IsStatic: true } => "a static class",
                { IsRefLikeType: true } => "a ref struct",
                { IsFileLocal: true } => "a file-local type",
                _ => null,
            };
            for (INamedTypeSymbol? outer = type.ContainingType; kind is null && outer is not null; outer = outer.ContainingType)
            {
                kind = outer.IsRefLikeType ? $"nested in the ref struct '{Display(outer)}'"
                    : outer.IsFileLocal ? $"nested in the file-local type '{Display(outer)}'"
                    : null;
            }

            if (kind is not null)
            {
                diagnostics.Report(DiagnosticDescriptors.UnsupportedTypeKind, location, Display(type), kind);
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.Arity > 0)
                {
                    diagnostics.Report(DiagnosticDescriptors.GenericType, location, Display(type), Display(current));
                    break;
                }
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                foreach (SyntaxReference reference in current.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is TypeDeclarationSyntax syntax && !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        diagnostics.Report(DiagnosticDescriptors.TypeNotPartial, syntax.Identifier.GetLocation(), Display(type), Display(current));
                        break;
                    }
                }
            }

            CheckMemberName(type, "Keys", diagnostics);
            if (isValue)
            {
                CheckMemberName(type, "Values", diagnostics);
            }
            else if (type.GetMembers("Signals.ISignalSource.AddSignalKeys").FirstOrDefault(static m => !IsGenerated(m)) is { } addSignalKeys)
            {
                diagnostics.Report(DiagnosticDescriptors.MemberConflict, Locations.OfType(addSignalKeys), Display(type), "ISignalSource.AddSignalKeys",
                    "it implements that method itself; remove the implementation, which the generator writes");
            }
        }

        private static void CheckMemberName(INamedTypeSymbol type, string name, DiagnosticSink diagnostics)
        {
            if (type.Name == name)
            {
                diagnostics.Report(DiagnosticDescriptors.MemberConflict, Locations.OfType(type), Display(type), name,
                    "a type cannot hold a member named like itself; rename the type");
            }
            else if (type.GetMembers(name).FirstOrDefault(static m => !IsGenerated(m)) is { } member)
            {
                diagnostics.Report(DiagnosticDescriptors.MemberConflict, Locations.OfType(member), Display(type), name,
                    "it has a member of that name; rename the member");
            }
        }

        /// <summary>
        /// Whether this generator wrote <paramref name="member"/>: the analyzer sees the compilation with the generated code, the
        /// generator without it, and the generated <c>Keys</c> must not count as a conflict.
        /// </summary>
        private static bool IsGenerated(ISymbol member)
            => member.GetAttributes().Any(static a => a.AttributeClass is { Name: "GeneratedCodeAttribute" }
                && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[0].Value is ToolName);

        /// <summary>The type's <c>[SignalNamespace]</c> wins over the assembly's; an invalid assembly namespace is reported once, for the assembly.</summary>
        private static bool TryGetNamespace(INamedTypeSymbol type, AttributeData? typeAttribute, DiagnosticSink diagnostics, out string? keyNamespace)
        {
            keyNamespace = null;
            AttributeData? attribute = typeAttribute ?? Annotations.FindAssemblyNamespace(type.ContainingAssembly);
            if (attribute is null)
            {
                return true;
            }

            if (!TryGetStringArgument(attribute, diagnostics, out string name))
            {
                return false;
            }

            if (GetNamespaceError(name) is { } error)
            {
                if (typeAttribute is null)
                {
                    diagnostics.Fail();
                }
                else
                {
                    diagnostics.Report(DiagnosticDescriptors.InvalidSegment, Locations.OfArgument(attribute), name, $"the namespace '{name}'", error);
                }

                return false;
            }

            keyNamespace = name;
            return true;
        }

        /// <summary>
        /// The attribute's one string argument (null reads as empty, which the grammar rejects), or <see langword="null"/> for a malformed
        /// attribute, which is the compiler's to report.
        /// </summary>
        public static string? ReadStringArgument(AttributeData attribute)
            => attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 1
               || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error
                ? null
                : attribute.ConstructorArguments[0].Value as string ?? string.Empty;

        /// <summary><see cref="ReadStringArgument"/>, recording a malformed attribute as a problem reported elsewhere.</summary>
        private static bool TryGetStringArgument(AttributeData attribute, DiagnosticSink diagnostics, out string value)
        {
            if (ReadStringArgument(attribute) is { } argument)
            {
                value = argument;
                return true;
            }

            diagnostics.Fail();
            value = string.Empty;
            return false;
        }

        private static EquatableArray<ContainingTypeModel> GetContainingTypes(INamedTypeSymbol type)
        {
            var chain = new List<ContainingTypeModel>();
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                chain.Add(new ContainingTypeModel(GetKeyword(outer), Naming.EscapeKeyword(outer.Name)));
            }

            chain.Reverse();
            return chain.ToEquatableArray();
        }

        private static string GetKeyword(INamedTypeSymbol type) => type switch
        {
            { TypeKind: TypeKind.Interface } => "interface",
            { TypeKind: TypeKind.Struct, IsRecord: true } => "record struct",
            { TypeKind: TypeKind.Struct } => "struct",
            { IsRecord: true } => "record",
            _ => "class",
        };

        /// <summary>Client accessors for a type visible outside its containing types; their names flatten the containing types' names.</summary>
        private static ClientModel? GetClient(INamedTypeSymbol type)
        {
            string? accessibility = GetEffectiveAccessibility(type) switch
            {
                Accessibility.Public => "public",
                Accessibility.Internal => "internal",
                _ => null,
            };
            if (accessibility is null)
            {
                return null;
            }

            var name = new StringBuilder(type.Name);
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name.Insert(0, outer.Name);
            }

            return new ClientModel(accessibility, name.ToString(), Naming.EscapeKeyword(type.Name));
        }

        /// <summary>Public, internal, or the first private or protected level on the way out of the containing types.</summary>
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

        /// <summary>Whether a base type has an accessible member named <paramref name="name"/>, or will get a generated one.</summary>
        private static bool HidesInheritedMember(INamedTypeSymbol type, string name, Func<Annotations, bool> generatesMember, Compilation compilation)
        {
            for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            {
                if (baseType.GetMembers(name).Any(member => compilation.IsSymbolAccessibleWithin(member, type)))
                {
                    return true;
                }

                if (baseType.DeclaringSyntaxReferences.Length > 0 && generatesMember(Annotations.Read(baseType)))
                {
                    return true;
                }
            }

            return false;
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

        /// <summary><c>Chat.Outer+ChatMessage</c>: <c>Type.FullName</c> of a non-generic type.</summary>
        private static string GetClrTypeName(INamedTypeSymbol type)
        {
            var name = new StringBuilder(type.Name);
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name.Insert(0, outer.Name + "+");
            }

            for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                name.Insert(0, ns.Name + ".");
            }

            return name.ToString();
        }

        /// <summary>How messages name a symbol: its C# display string, e.g. <c>Chat.ChatMessage</c>.</summary>
        private static string Display(ISymbol symbol) => symbol.ToDisplayString();

        /// <summary>Parses the keys declared on one type; every problem goes to the sink, and every parse goes on after one to find the next.</summary>
        private readonly struct TypeParser(
            INamedTypeSymbol type,
            string? keyNamespace,
            Compilation compilation,
            DiagnosticSink diagnostics,
            List<DeclaredPattern>? declarations)
        {
            /// <summary>Parses <c>[Signal]</c>: an explicit literal key, or the type's name in kebab-case.</summary>
            public string? ParseSignalKey(AttributeData signal)
            {
                if (!TryGetKeyText(signal, "[Signal]", out string text, out string description, out string suffix, out bool isExplicit)
                    || SplitTemplate(text, description, suffix, signal, isExplicit, allowPlaceholders: false) is not { } segments)
                {
                    return null;
                }

                string key = Declare(text, signal);
                return CheckLength(key, segments, signal) ? key : null;
            }

            /// <summary>Parses the <c>[SignalFamily]</c> attributes and checks that their factories can coexist in one <c>Keys</c> class.</summary>
            public EquatableArray<SignalFamilyModel> ParseFamilies(IEnumerable<AttributeData> families, bool hasSignal, CancellationToken cancellationToken)
            {
                var models = new List<SignalFamilyModel>();
                var templates = new HashSet<string>(StringComparer.Ordinal);
                var signatures = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (AttributeData family in families)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (ParseFamily(family) is not { } model)
                    {
                        continue;
                    }

                    if (!templates.Add(KeyPatterns.Normalize(model.Template)))
                    {
                        diagnostics.Fail(); // the same template twice: SIG0005, reported by the analyzer's compilation-wide check
                        continue;
                    }

                    string signature = $"{model.MethodName}({string.Join(", ", model.Parameters.Select(static p => p.ParameterType.Replace("global::", string.Empty)))})";
                    string? conflict = model.MethodName switch
                    {
                        "All" when hasSignal => "'All' is the name of the [Signal] key; set another Name",
                        "Keys" => "'Keys' is the name of the generated class; set another Name",
                        _ => signatures.TryGetValue(signature, out string? other) ? $"'Keys.{signature}' is also generated for '{other}'; set Name on one of them" : null,
                    };
                    if (conflict is not null)
                    {
                        diagnostics.Report(DiagnosticDescriptors.FactoryName, Locations.Of(family), model.Template, Display(type), conflict);
                        continue;
                    }

                    signatures[signature] = model.Template;
                    models.Add(model);
                }

                return models.ToEquatableArray();
            }

            /// <summary>Parses <c>[SignalValue]</c>: its key or template (placeholders are string parameters), its default and its counters.</summary>
            public ValueSignalModel? ParseValue(AttributeData attribute)
            {
                CheckDefault();
                if (!TryGetKeyText(attribute, "[SignalValue]", out string text, out string description, out string suffix, out bool isExplicit)
                    || SplitTemplate(text, description, suffix, attribute, isExplicit, allowPlaceholders: true) is not { } segments)
                {
                    return null;
                }

                string pattern = Declare(text, attribute);
                var keySegments = new List<KeySegmentModel>();
                var parameters = new List<SignalParameterModel>();
                bool valid = CheckLength(pattern, segments, attribute)
                    & TryBuildKey(segments, attribute, pattern, valueArguments: true, keySegments, parameters, out _);

                if (valid && GetParameterNameClash(parameters) is { } clash)
                {
                    diagnostics.Report(DiagnosticDescriptors.FactoryName, Locations.Of(attribute), pattern, Display(type), clash);
                    valid = false;
                }

                return valid
                    ? new ValueSignalModel(
                        new SignalFamilyModel(pattern, "Value", "public", keySegments.ToEquatableArray(), parameters.ToEquatableArray()),
                        type.IsReferenceType,
                        GetCounters())
                    : null;
            }

            private SignalFamilyModel? ParseFamily(AttributeData family)
            {
                if (!TryGetStringArgument(family, diagnostics, out string template)
                    || SplitTemplate(template, $"the template '{template}'", string.Empty, family, isExplicit: true, allowPlaceholders: true) is not { } segments)
                {
                    return null;
                }

                string pattern = Declare(template, family);
                var keySegments = new List<KeySegmentModel>();
                var parameters = new List<SignalParameterModel>();
                bool valid = CheckLength(pattern, segments, family)
                    & TryBuildKey(segments, family, pattern, valueArguments: false, keySegments, parameters, out bool isPublic);
                var derivedName = new StringBuilder();
                foreach (TemplateSegment segment in segments)
                {
                    if (segment.Placeholder is null)
                    {
                        Naming.AppendPascalCase(derivedName, segment.Text);
                    }
                }

                string? explicitName = family.NamedArguments.FirstOrDefault(static a => a.Key == "Name").Value.Value as string;
                string name = explicitName ?? derivedName.ToString();
                string? nameError = name.Length == 0 && explicitName is null ? "its template has no literal segment to name the factory after; set Name"
                    : !Naming.IsIdentifier(name) ? $"'{name}' is not a valid C# identifier; set Name to one"
                    : valid ? GetParameterNameClash(parameters)
                    : null;
                if (nameError is not null)
                {
                    diagnostics.Report(DiagnosticDescriptors.FactoryName, Locations.Of(family), pattern, Display(type), nameError);
                    valid = false;
                }

                return valid
                    ? new SignalFamilyModel(pattern, name, isPublic ? "public" : "internal", keySegments.ToEquatableArray(), parameters.ToEquatableArray())
                    : null;
            }

            /// <summary>
            /// Builds a key's segments (the namespace first) and parameters from its template: a literal stays, a placeholder becomes a
            /// parameter: a <see cref="string"/> argument for a value signal, else the property it names (<see cref="ParseParameter"/>).
            /// </summary>
            /// <returns><see langword="false"/> when a placeholder is repeated or cannot be bound (reported).</returns>
            private bool TryBuildKey(
                List<TemplateSegment> segments,
                AttributeData attribute,
                string pattern,
                bool valueArguments,
                List<KeySegmentModel> keySegments,
                List<SignalParameterModel> parameters,
                out bool isPublic)
            {
                bool valid = true;
                isPublic = true;
                AddNamespaceSegment(keySegments);
                foreach (TemplateSegment segment in segments)
                {
                    if (segment.Placeholder is not { } placeholder)
                    {
                        keySegments.Add(new KeySegmentModel(segment.Text, -1));
                    }
                    else if (IsRepeated(placeholder, parameters, segment, attribute, pattern))
                    {
                        valid = false;
                    }
                    else
                    {
                        bool parameterIsPublic = true;
                        SignalParameterModel? parameter = valueArguments
                            ? BindValueArgument(segment)
                            : ParseParameter(segment, attribute, pattern, out parameterIsPublic);
                        if (parameter is { } bound)
                        {
                            isPublic &= parameterIsPublic;
                            keySegments.Add(new KeySegmentModel(string.Empty, parameters.Count));
                            parameters.Add(bound);
                        }
                        else
                        {
                            valid = false;
                        }
                    }
                }

                return valid;
            }

            /// <summary>A value signal's placeholder is a <see cref="string"/> argument of its accessors (renamed when it clashes with theirs).</summary>
            private static SignalParameterModel BindValueArgument(TemplateSegment segment)
            {
                string placeholder = segment.Placeholder!;
                string parameterName = Naming.ToCamelCase(placeholder);
                if (Array.IndexOf(ValueAccessorParameters, parameterName) >= 0)
                {
                    parameterName += "Argument";
                }

                return new SignalParameterModel(placeholder, Naming.EscapeKeyword(parameterName), "string", "string", false, false, null, false);
            }

            /// <summary>Binds a family placeholder to a property whose type is formatted culture-invariantly, directly or through a wrapper.</summary>
            private SignalParameterModel? ParseParameter(TemplateSegment segment, AttributeData family, string pattern, out bool isPublic)
            {
                isPublic = false;
                string propertyName = segment.Placeholder!;
                Location? location = Locations.OfArgumentText(family, segment.Offset, segment.Text.Length);
                if (FindProperty(propertyName) is not { } property)
                {
                    diagnostics.Report(DiagnosticDescriptors.UnknownPlaceholder, location, propertyName, pattern, Display(type));
                    return null;
                }

                bool isNullableValueType = property.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
                ITypeSymbol underlying = isNullableValueType ? ((INamedTypeSymbol)property.Type).TypeArguments[0] : property.Type;
                IPropertySymbol? wrapped = PlaceholderTypes.IsPrimitive(underlying) ? null : PlaceholderTypes.FindWrappedProperty(underlying, type, compilation);
                if (wrapped is null && !PlaceholderTypes.IsPrimitive(underlying))
                {
                    diagnostics.Report(DiagnosticDescriptors.UnsupportedPlaceholderType, location, propertyName, Display(property.Type), PlaceholderTypes.Supported);
                    return null;
                }

                Accessibility accessibility = GetEffectiveAccessibility(underlying);
                if (accessibility is not (Accessibility.Public or Accessibility.Internal))
                {
                    diagnostics.Report(DiagnosticDescriptors.UnsupportedPlaceholderType, location, propertyName, Display(property.Type),
                        $"'{Display(underlying)}' is not accessible outside its containing type, but the generated key factory takes it as a parameter; make it internal or public");
                    return null;
                }

                isPublic = accessibility == Accessibility.Public;
                string parameterType = TypeNames.FullyQualified(underlying);
                bool isReference = underlying.IsReferenceType;
                return new SignalParameterModel(
                    PropertyName: propertyName,
                    ParameterName: Naming.EscapeKeyword(Naming.ToCamelCase(propertyName)),
                    ParameterType: parameterType,
                    ValueType: isReference || isNullableValueType ? parameterType + "?" : parameterType,
                    IsNullable: isReference || isNullableValueType,
                    IsNullableValueType: isNullableValueType,
                    WrapperMember: wrapped is null ? null : Naming.EscapeKeyword(wrapped.Name),
                    IsReferenceWrapper: wrapped is not null && isReference);
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
                    diagnostics.Report(DiagnosticDescriptors.NoUsableDefault, Locations.OfType(type), Display(type), reason);
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

            /// <summary>The key text of <c>[Signal]</c> or <c>[SignalValue]</c>: the argument, or the type's name in kebab-case.</summary>
            private bool TryGetKeyText(AttributeData attribute, string attributeName, out string text, out string description, out string suffix, out bool isExplicit)
            {
                isExplicit = attribute.ConstructorArguments.Length > 0;
                suffix = string.Empty;
                if (isExplicit)
                {
                    bool ok = TryGetStringArgument(attribute, diagnostics, out text);
                    description = $"the key '{text}'";
                    return ok;
                }

                text = Naming.ToKebabCase(type.Name);
                description = $"the key '{text}' derived from the type name '{type.Name}'";
                suffix = $"; pass an explicit key to {attributeName}";
                if (attribute.AttributeConstructor is null)
                {
                    diagnostics.Fail();
                    return false;
                }

                return true;
            }

            /// <summary>Splits a key or template into segments, reporting each malformed one.</summary>
            /// <returns>The segments, or <see langword="null"/> when any is malformed.</returns>
            private List<TemplateSegment>? SplitTemplate(string text, string description, string suffix, AttributeData attribute, bool isExplicit, bool allowPlaceholders)
            {
                var segments = new List<TemplateSegment>();
                bool valid = true;
                int offset = 0;
                foreach (string piece in text.Split(':'))
                {
                    string? placeholder = null;
                    string? error;
                    if (piece.Length == 0)
                    {
                        error = "segments are joined by a single ':' and are never empty";
                    }
                    else if (piece.IndexOf('{') < 0 && piece.IndexOf('}') < 0)
                    {
                        error = Naming.IsLiteralSegment(piece) ? null : LiteralCharacters;
                    }
                    else
                    {
                        string name = piece.Length > 2 && piece[0] == '{' && piece[piece.Length - 1] == '}' ? piece.Substring(1, piece.Length - 2) : string.Empty;
                        error = !allowPlaceholders ? "a fixed key has no placeholders; use [SignalFamily] for one key per value"
                            : !SyntaxFacts.IsValidIdentifier(name) ? "a placeholder is a whole segment '{Name}', where Name is a C# identifier"
                            : offset == 0 && keyNamespace is null ? "the first segment is the namespace and must be a literal; start with a literal segment or add [SignalNamespace]"
                            : null;
                        placeholder = name;
                    }

                    if (error is null)
                    {
                        segments.Add(new TemplateSegment(piece, offset, placeholder));
                    }
                    else
                    {
                        valid = false;
                        Location? location = isExplicit ? Locations.OfArgumentText(attribute, offset, piece.Length) : Locations.Of(attribute);
                        diagnostics.Report(DiagnosticDescriptors.InvalidSegment, location, piece, description, error + suffix);
                    }

                    offset += piece.Length + 1;
                }

                return valid ? segments : null;
            }

            /// <summary>Prefixes the namespace, and records the pattern for the analyzer's duplicate and overlap checks.</summary>
            private string Declare(string text, AttributeData attribute)
            {
                string pattern = keyNamespace is null ? text : keyNamespace + ":" + text;
                declarations?.Add(new DeclaredPattern(pattern, Display(type), Locations.Of(attribute)));
                return pattern;
            }

            private void AddNamespaceSegment(List<KeySegmentModel> segments)
            {
                if (keyNamespace is not null)
                {
                    segments.Add(new KeySegmentModel(keyNamespace, -1));
                }
            }

            /// <summary>The shortest key a pattern gives (each argument at least one character, all ASCII) must fit in <see cref="MaxKeyLength"/>.</summary>
            private bool CheckLength(string pattern, List<TemplateSegment> segments, AttributeData attribute)
            {
                int length = pattern.Length;
                foreach (TemplateSegment segment in segments)
                {
                    length -= segment.Placeholder is null ? 0 : segment.Text.Length - 1;
                }

                if (length <= MaxKeyLength)
                {
                    return true;
                }

                diagnostics.Report(DiagnosticDescriptors.KeyTooLong, Locations.OfArgument(attribute), pattern, length);
                return false;
            }

            private bool IsRepeated(string placeholder, List<SignalParameterModel> parameters, TemplateSegment segment, AttributeData attribute, string pattern)
            {
                if (!parameters.Any(p => p.PropertyName == placeholder))
                {
                    return false;
                }

                diagnostics.Report(DiagnosticDescriptors.RepeatedPlaceholder, Locations.OfArgumentText(attribute, segment.Offset, segment.Text.Length), placeholder, pattern);
                return true;
            }

            private static string? GetParameterNameClash(List<SignalParameterModel> parameters)
            {
                for (int i = 1; i < parameters.Count; i++)
                {
                    for (int j = 0; j < i; j++)
                    {
                        if (parameters[i].ParameterName == parameters[j].ParameterName)
                        {
                            return $"the placeholders '{parameters[j].PropertyName}' and '{parameters[i].PropertyName}' both become the parameter '{parameters[i].ParameterName}'; rename one of them";
                        }
                    }
                }

                return null;
            }
        }

        /// <summary>One segment of a key or template as written, before the namespace is prefixed.</summary>
        /// <param name="Text">The segment's text, e.g. <c>room</c> or <c>{RoomId}</c>.</param>
        /// <param name="Offset">The segment's position in the attribute's argument.</param>
        /// <param name="Placeholder">The placeholder's name, or <see langword="null"/> for a literal.</param>
        private readonly record struct TemplateSegment(string Text, int Offset, string? Placeholder);
    }
}
