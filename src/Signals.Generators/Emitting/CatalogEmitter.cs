using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Signals.Generators.Helpers;
using Signals.Generators.Models;
using static Signals.Generators.Emitting.GeneratedCode;

namespace Signals.Generators.Emitting;

/// <summary>
/// Writes the assembly's catalog, <see cref="HintName"/>: a module initializer that registers every declared signal with
/// <c>SignalCatalog</c>, from each type's <see cref="GetEntries">entries</see>; a value signal's entry also carries its value type
/// (<c>{ ValueType = SignalValueType.Create&lt;T&gt;() }</c>), which the endpoints check written values against.
/// </summary>
internal static class CatalogEmitter
{
    /// <summary>The catalog's hint name; <c>-</c> cannot appear in a type's hint name, so it never collides with one.</summary>
    public const string HintName = "Signals-Catalog.g.cs";

    /// <summary>The catalog entries of one type: its key, its families, or its value signal.</summary>
    public static EquatableArray<CatalogEntryModel> GetEntries(SignalTypeModel model)
    {
        var entries = new List<CatalogEntryModel>();
        EquatableArray<string>? inputs = model.Computed?.Inputs;
        if (model.Key is not null)
        {
            entries.Add(new CatalogEntryModel(model.Key, model.ClrTypeName, inputs is null ? "Signal" : "Computed", EquatableArray<PlaceholderModel>.Empty, ValueType: null, inputs));
        }

        foreach (SignalFamilyModel family in model.Families)
        {
            entries.Add(new CatalogEntryModel(family.Template, model.ClrTypeName, inputs is null ? "Family" : "Computed", GetPlaceholders(family), ValueType: null, inputs));
        }

        if (model.Value is not null)
        {
            // The catalog is a file-level class: it can name the type only when it is visible in the whole assembly, which is when the
            // type gets client accessors (SignalTypeModel.Client is null exactly for a type private or protected inside another).
            string? valueType = model.Client is null ? null : model.FullyQualifiedName;
            entries.Add(new CatalogEntryModel(model.Value.Key.Template, model.ClrTypeName, "Value", GetPlaceholders(model.Value.Key), valueType));
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
                string valueType = entry.ValueType is not null ? $" {{ ValueType = global::Signals.SignalValueType.Create<{entry.ValueType}>() }}"
                    : entry.Inputs is { } inputs ? $" {{ Inputs = new string[] {{ {string.Join(", ", inputs.Select(Literal))} }} }}"
                    : string.Empty;
                if (entry.Placeholders.Count == 0)
                {
                    writer.WriteLine($"    {descriptor}){valueType},");
                    continue;
                }

                writer.WriteLine($"    {descriptor}, new global::Signals.SignalPlaceholder[]");
                writer.WriteLine("    {");
                foreach (PlaceholderModel placeholder in entry.Placeholders)
                {
                    writer.WriteLine($"        {Placeholder(placeholder)},");
                }

                writer.WriteLine($"    }}){valueType},");
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
