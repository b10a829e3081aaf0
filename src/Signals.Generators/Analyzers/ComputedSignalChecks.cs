using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Signals.Generators.Diagnostics;
using Signals.Generators.Parsing;

namespace Signals.Generators.Analyzers;

/// <summary>
/// The compilation-wide checks of computed signals (<c>[SignalComputed]</c>), run once every declaration is seen: each input is a
/// pattern declared in the compilation (SIG0016), and no computed signal depends on itself (SIG0018).
/// </summary>
internal static class ComputedSignalChecks
{
    /// <summary>Reports the unknown inputs and the cycles among <paramref name="declarations"/>, in their order.</summary>
    /// <param name="context">The compilation-end context.</param>
    /// <param name="declarations">Every declared pattern of the compilation, in a deterministic order.</param>
    public static void Report(CompilationAnalysisContext context, IReadOnlyList<DeclaredPattern> declarations)
    {
        var declared = new HashSet<string>(declarations.Select(static d => d.Pattern), System.StringComparer.Ordinal);
        var computed = new Dictionary<string, DeclaredPattern>(System.StringComparer.Ordinal);
        foreach (DeclaredPattern declaration in declarations)
        {
            if (declaration.Inputs is { } inputs && !computed.ContainsKey(declaration.Pattern))
            {
                computed.Add(declaration.Pattern, declaration);
                ReportUnknownInputs(context, declaration, inputs, declared, declarations);
            }
        }

        foreach (DeclaredPattern declaration in computed.Values)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (FindCycle(declaration.Pattern, computed) is { } cycle)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ComputedCycle, declaration.Location,
                    declaration.Pattern, declaration.TypeName, string.Join(" → ", cycle.Select(static p => $"'{p}'"))));
            }
        }
    }

    private static void ReportUnknownInputs(
        CompilationAnalysisContext context, DeclaredPattern declaration, IReadOnlyList<string> inputs, HashSet<string> declared, IReadOnlyList<DeclaredPattern> declarations)
    {
        if (inputs.Count == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownComputedInput, declaration.Location, declaration.Pattern, declaration.TypeName,
                "it names no input; pass the patterns of the signals it derives from after its key"));
            return;
        }

        foreach (string input in inputs.Where(input => !declared.Contains(input)).Distinct(System.StringComparer.Ordinal))
        {
            string normalized = KeyPatterns.Normalize(input);
            string hint = declarations.FirstOrDefault(d => KeyPatterns.Normalize(d.Pattern) == normalized) is { } near
                ? $" (did you mean '{near.Pattern}', declared by '{near.TypeName}'? Placeholder names must match)"
                : string.Empty;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownComputedInput, declaration.Location, declaration.Pattern, declaration.TypeName,
                $"'{input}' is no key or template declared in this assembly{hint}; name a declared signal in full, with its namespace and placeholder names"));
        }
    }

    /// <summary>The path from a computed signal back to itself through its computed inputs, or <see langword="null"/> when there is none.</summary>
    private static List<string>? FindCycle(string start, Dictionary<string, DeclaredPattern> computed)
    {
        // Depth-first from the start's inputs, remembering each pattern's predecessor; reaching the start closes a cycle.
        var previous = new Dictionary<string, string>(System.StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(start);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            foreach (string input in computed[current].Inputs!)
            {
                if (input == start)
                {
                    var path = new List<string> { start };
                    for (string at = current; at != start; at = previous[at])
                    {
                        path.Insert(1, at);
                    }

                    path.Add(start);
                    return path;
                }

                if (computed.ContainsKey(input) && !previous.ContainsKey(input))
                {
                    previous.Add(input, current);
                    pending.Push(input);
                }
            }
        }

        return null;
    }
}
