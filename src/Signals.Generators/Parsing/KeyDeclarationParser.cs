using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Signals.Generators.Diagnostics;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators.Parsing;

/// <summary>
/// Parses the keys declared on one type (<c>[Signal]</c>, <c>[SignalFamily]</c>, <c>[SignalValue]</c>, <c>[SignalComputed]</c>); every problem goes to the sink,
/// and every parse goes on after one to find the next.
/// </summary>
/// <param name="type">The annotated type.</param>
/// <param name="keyNamespace">The namespace prefixed to every key, or <see langword="null"/> when the first segment is the namespace.</param>
/// <param name="compilation">The compilation, for accessibility checks.</param>
/// <param name="diagnostics">Receives every problem found.</param>
/// <param name="declarations">Receives every well-formed pattern, or <see langword="null"/>.</param>
internal readonly partial struct KeyDeclarationParser(
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
                diagnostics.Report(DiagnosticDescriptors.FactoryName, Locations.Of(family), model.Template, TypeNames.Display(type), conflict);
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
            diagnostics.Report(DiagnosticDescriptors.FactoryName, Locations.Of(attribute), pattern, TypeNames.Display(type), clash);
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
        if (!SignalTypeParser.TryGetStringArgument(family, diagnostics, out string template)
            || SplitTemplate(template, $"the template '{template}'", string.Empty, family, isExplicit: true, allowPlaceholders: true) is not { } segments)
        {
            return null;
        }

        string? explicitName = family.NamedArguments.FirstOrDefault(static a => a.Key == "Name").Value.Value as string;
        return BuildFamily(family, Declare(template, family), segments, valueArguments: false, explicitName);
    }

    /// <summary>
    /// Builds a template's factory model (a family's, or a computed signal's): the key expression, the parameters, and the factory's
    /// name (<paramref name="explicitName"/>, or the literal segments in PascalCase).
    /// </summary>
    private SignalFamilyModel? BuildFamily(AttributeData family, string pattern, List<TemplateSegment> segments, bool valueArguments, string? explicitName)
    {
        var keySegments = new List<KeySegmentModel>();
        var parameters = new List<SignalParameterModel>();
        bool valid = CheckLength(pattern, segments, family)
            & TryBuildKey(segments, family, pattern, valueArguments, keySegments, parameters, out bool isPublic);
        var derivedName = new StringBuilder();
        foreach (TemplateSegment segment in segments)
        {
            if (segment.Placeholder is null)
            {
                Naming.AppendPascalCase(derivedName, segment.Text);
            }
        }

        string name = explicitName ?? derivedName.ToString();
        string? nameError = name.Length == 0 && explicitName is null ? "its template has no literal segment to name the factory after; set Name"
            : !Naming.IsIdentifier(name) ? $"'{name}' is not a valid C# identifier; set Name to one"
            : valid ? GetParameterNameClash(parameters)
            : null;
        if (nameError is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.FactoryName, Locations.Of(family), pattern, TypeNames.Display(type), nameError);
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
        if (keyNamespace is not null)
        {
            keySegments.Add(new KeySegmentModel(keyNamespace, -1));
        }

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

    /// <summary>The key text of <c>[Signal]</c> or <c>[SignalValue]</c>: the argument, or the type's name in kebab-case.</summary>
    private bool TryGetKeyText(AttributeData attribute, string attributeName, out string text, out string description, out string suffix, out bool isExplicit)
    {
        isExplicit = attribute.ConstructorArguments.Length > 0;
        suffix = string.Empty;
        if (isExplicit)
        {
            bool ok = SignalTypeParser.TryGetStringArgument(attribute, diagnostics, out text);
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

    /// <summary>Splits a key or template into segments (<see cref="KeyTemplateParser"/>), reporting each malformed one.</summary>
    /// <returns>The segments, or <see langword="null"/> when any is malformed.</returns>
    private List<TemplateSegment>? SplitTemplate(string text, string description, string suffix, AttributeData attribute, bool isExplicit, bool allowPlaceholders)
    {
        List<TemplateSegment> segments = KeyTemplateParser.Split(text, allowPlaceholders, hasNamespace: keyNamespace is not null);
        bool valid = true;
        foreach (TemplateSegment segment in segments)
        {
            if (segment.Error is { } error)
            {
                valid = false;
                Location? location = isExplicit ? Locations.OfArgumentText(attribute, segment.Offset, segment.Text.Length) : Locations.Of(attribute);
                diagnostics.Report(DiagnosticDescriptors.InvalidSegment, location, segment.Text, description, error + suffix);
            }
        }

        return valid ? segments : null;
    }

    /// <summary>Prefixes the namespace, and records the pattern for the analyzer's duplicate and overlap checks.</summary>
    private string Declare(string text, AttributeData attribute, string[]? inputs = null)
    {
        string pattern = keyNamespace is null ? text : keyNamespace + ":" + text;
        declarations?.Add(new DeclaredPattern(pattern, TypeNames.Display(type), Locations.Of(attribute), inputs));
        return pattern;
    }

    /// <summary>The shortest key a pattern gives must fit in a key's byte limit.</summary>
    private bool CheckLength(string pattern, List<TemplateSegment> segments, AttributeData attribute)
    {
        int length = KeyTemplateParser.MinimumLength(pattern, segments);
        if (length <= SignalKeyGrammar.MaxByteCount)
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
