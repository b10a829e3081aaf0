using System.Collections.Generic;
using System.Linq;
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
            entries.Add(new CatalogEntryModel(model.Key, model.ClrTypeName, "Signal", EquatableArray<PlaceholderModel>.Empty));
        }

        foreach (SignalFamilyModel family in model.Families)
        {
            entries.Add(new CatalogEntryModel(family.Template, model.ClrTypeName, "Family", GetPlaceholders(family)));
        }

        if (model.Value is not null)
        {
            entries.Add(new CatalogEntryModel(model.Value.Key.Template, model.ClrTypeName, "Value", GetPlaceholders(model.Value.Key)));
        }

        return entries.ToEquatableArray();
    }

    /// <summary>The placeholders of a template, in template order (the parameters' order).</summary>
    private static EquatableArray<PlaceholderModel> GetPlaceholders(SignalFamilyModel key)
        => key.Parameters
            .Select(static p => new PlaceholderModel(p.PropertyName, p.Kind, p.FormattedTypeName, p.IsNullable, p.EnumMembers))
            .ToEquatableArray();

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
                string descriptor = $"new global::Signals.SignalDescriptor({Literal(entry.Pattern)}, {Literal(entry.ClrType)}, global::Signals.SignalKind.{entry.Kind}";
                if (entry.Placeholders.Count == 0)
                {
                    writer.WriteLine($"    {descriptor}),");
                    continue;
                }

                writer.WriteLine($"    {descriptor}, new global::Signals.SignalPlaceholder[]");
                writer.WriteLine("    {");
                foreach (PlaceholderModel placeholder in entry.Placeholders)
                {
                    writer.WriteLine($"        {Placeholder(placeholder)},");
                }

                writer.WriteLine("    }),");
            }

            writer.WriteLine("});");
        }

        return writer;
    }

    /// <summary><c>new SignalPlaceholder("Status", SignalPlaceholderKind.Enum, "Shop.OrderStatus", isNullable: false, enumMembers: new string[] { … })</c>.</summary>
    private static string Placeholder(PlaceholderModel placeholder)
    {
        string members = placeholder.EnumMembers.Count == 0
            ? string.Empty
            : $", enumMembers: new string[] {{ {string.Join(", ", placeholder.EnumMembers.Select(Literal))} }}";
        return $"new global::Signals.SignalPlaceholder({Literal(placeholder.Name)}, global::Signals.SignalPlaceholderKind.{placeholder.Kind}, "
            + $"{Literal(placeholder.TypeName)}, isNullable: {(placeholder.IsNullable ? "true" : "false")}{members})";
    }
}
