using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Signals.Generators.Diagnostics;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators.Parsing;

/// <summary><c>[SignalComputed]</c>: the computed key or template, and its inputs.</summary>
internal readonly partial struct KeyDeclarationParser
{
    /// <summary>
    /// Parses <c>[SignalComputed]</c>: its key (placeholders are string parameters, the factory named after the literal segments) and its
    /// inputs, each of which must supply every placeholder of the key (SIG0017). Whether the inputs are declared, and form no cycle, is
    /// the analyzer's compilation-wide check (SIG0016, SIG0018).
    /// </summary>
    /// <param name="attribute">The attribute.</param>
    /// <param name="key">The computed signal's full key when it is fixed.</param>
    /// <param name="template">The computed signal's factory when its key is a template.</param>
    /// <returns>The computed signal's inputs, or <see langword="null"/> when the declaration is invalid.</returns>
    public ComputedSignalModel? ParseComputed(AttributeData attribute, out string? key, out SignalFamilyModel? template)
    {
        key = null;
        template = null;
        if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 2
            || attribute.ConstructorArguments[0].Value is not string text
            || attribute.ConstructorArguments[1] is not { Kind: TypedConstantKind.Array, IsNull: false } inputArguments)
        {
            diagnostics.Fail();
            return null;
        }

        string[] inputs = [.. inputArguments.Values.Select(static v => v.Value as string ?? string.Empty)];
        if (SplitTemplate(text, $"the key '{text}'", string.Empty, attribute, isExplicit: true, allowPlaceholders: true) is not { } segments)
        {
            return null;
        }

        string pattern = Declare(text, attribute, inputs);
        bool valid = CheckInputs(attribute, pattern, segments, inputs);
        if (segments.All(static s => s.Placeholder is null))
        {
            key = pattern;
            valid &= CheckLength(pattern, segments, attribute);
        }
        else
        {
            template = BuildFamily(attribute, pattern, segments, valueArguments: true, explicitName: null);
            valid &= template is not null;
        }

        return valid ? new ComputedSignalModel(inputs.ToEquatableArray()) : null;
    }

    /// <summary>Checks that there is an input, and that each supplies every placeholder of the computed key, by name (SIG0017).</summary>
    private bool CheckInputs(AttributeData attribute, string pattern, List<TemplateSegment> segments, string[] inputs)
    {
        if (inputs.Length == 0)
        {
            diagnostics.Fail(); // SIG0016, reported by the analyzer's compilation-wide check with the unknown inputs
            return false;
        }

        bool valid = true;
        foreach (string input in inputs)
        {
            string[] inputSegments = input.Split(':');
            foreach (TemplateSegment segment in segments)
            {
                if (segment.Placeholder is { } placeholder && !inputSegments.Contains(segment.Text))
                {
                    diagnostics.Report(DiagnosticDescriptors.UnsuppliedComputedPlaceholder, Locations.OfArgumentText(attribute, segment.Offset, segment.Text.Length),
                        pattern, TypeNames.Display(type), placeholder, input);
                    valid = false;
                }
            }
        }

        return valid;
    }
}
