using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Signals.Generators.Helpers;
using Signals.Generators.Models;
using static Signals.Generators.Emitting.GeneratedCode;

namespace Signals.Generators.Emitting;

/// <summary>
/// Writes the assembly's catalog, <see cref="HintName"/>: a module initializer that registers every declared signal with
/// <c>SignalCatalog</c>, from each type's <see cref="GetEntries">entries</see>.
/// </summary>
internal static class CatalogEmitter
{
    /// <summary>The catalog's hint name; <c>-</c> cannot appear in a type's hint name, so it never collides with one.</summary>
    public const string HintName = "Signals-Catalog.g.cs";

    /// <summary>The catalog entries of one type: its key, its families, or its value signal.</summary>
    public static EquatableArray<CatalogEntryModel> GetEntries(SignalTypeModel model)
    {
        var entries = new List<CatalogEntryModel>();
        if (model.Key is not null)
        {
            entries.Add(new CatalogEntryModel(model.Key, model.ClrTypeName, "Signal"));
        }

        foreach (SignalFamilyModel family in model.Families)
        {
            entries.Add(new CatalogEntryModel(family.Template, model.ClrTypeName, "Family"));
        }

        if (model.Value is not null)
        {
            entries.Add(new CatalogEntryModel(model.Value.Key.Template, model.ClrTypeName, "Value"));
        }

        return entries.ToEquatableArray();
    }

    /// <summary>Adds <see cref="HintName"/> when the assembly declares any signal.</summary>
    public static void Emit(SourceProductionContext context, EquatableArray<CatalogEntryModel> entries)
    {
        if (entries.Count > 0)
        {
            context.AddSource(HintName, Write(entries).ToSourceText());
        }
    }

    private static SourceWriter Write(EquatableArray<CatalogEntryModel> entries)
    {
        SourceWriter writer = CreateFile();
        writer.WriteLine("/// <summary>Registers the signals this assembly declares with <see cref=\"global::Signals.SignalCatalog\"/> when the assembly is loaded.</summary>");
        WriteAttributes(writer);
        writer.WriteLine("file static class SignalCatalogRegistration");
        using (writer.Block())
        {
            writer.WriteLine("/// <summary>Adds this assembly's signals, sorted by pattern, to <see cref=\"global::Signals.SignalCatalog.Registered\"/>.</summary>");
            writer.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            writer.WriteLine("internal static void Register() => global::Signals.SignalCatalog.Register(new global::Signals.SignalDescriptor[]");
            writer.WriteLine("{");
            foreach (CatalogEntryModel entry in entries)
            {
                writer.WriteLine($"    new global::Signals.SignalDescriptor({Literal(entry.Pattern)}, {Literal(entry.ClrType)}, global::Signals.SignalKind.{entry.Kind}),");
            }

            writer.WriteLine("});");
        }

        return writer;
    }
}
