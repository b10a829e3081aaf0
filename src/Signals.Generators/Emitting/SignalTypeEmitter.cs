using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators.Emitting;

/// <summary>
/// Writes one annotated type's file, <c>{HintName}.g.cs</c>: the partial type re-declared in its namespace and containing types, with its
/// keys (<see cref="KeysEmitter"/>) or its value accessors (<see cref="ValuesEmitter"/>), then its client accessors (<see cref="ClientEmitter"/>).
/// </summary>
internal static class SignalTypeEmitter
{
    /// <summary>Adds <c>{HintName}.g.cs</c> for <paramref name="model"/>.</summary>
    /// <param name="context">The output context.</param>
    /// <param name="model">The annotated type.</param>
    /// <param name="hasClient">Whether the compilation references Signals.Client, so that the typed client accessors compile.</param>
    public static void Emit(SourceProductionContext context, SignalTypeModel model, bool hasClient)
        => context.AddSource(model.HintName + ".g.cs", Write(model, hasClient).ToSourceText());

    /// <summary>Writes the source for <paramref name="model"/>: the partial type, then its client accessors when <paramref name="hasClient"/>.</summary>
    internal static SourceWriter Write(SignalTypeModel model, bool hasClient)
    {
        SourceWriter writer = GeneratedCode.CreateFile();
        if (model.Namespace is not null)
        {
            writer.WriteLine($"namespace {model.Namespace};");
            writer.WriteLine();
        }

        var containingScopes = new List<SourceWriter.Scope>();
        foreach (ContainingTypeModel containingType in model.ContainingTypes)
        {
            writer.WriteLine($"partial {containingType.Keyword} {containingType.Name}");
            containingScopes.Add(writer.Block());
        }

        if (model.Value is { } value)
        {
            ValuesEmitter.WriteValueType(writer, model, value);
        }
        else
        {
            KeysEmitter.WriteSignalType(writer, model);
        }

        for (int i = containingScopes.Count - 1; i >= 0; i--)
        {
            containingScopes[i].Dispose();
        }

        if (hasClient && model.Client is { } client)
        {
            writer.WriteLine();
            if (model.Value is { } clientValue)
            {
                ClientEmitter.WriteValueClient(writer, model, clientValue, client);
            }
            else
            {
                ClientEmitter.WriteSignalClient(writer, model, client);
            }
        }

        return writer;
    }
}
