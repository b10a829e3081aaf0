using System;
using Signals.Generators.Helpers;
using Signals.Generators.Models;
using static Signals.Generators.Emitting.GeneratedCode;

namespace Signals.Generators.Emitting;

/// <summary>
/// Writes the typed client accessors over <c>Signals.Client.ISignalsClient</c>, emitted only where the compilation references the
/// Signals.Client package: <c>client.ChatMessage()</c> returning a struct of <c>SignalReference</c>s for an entity signal type, and
/// <c>client.Theme(args)</c> returning a <c>SignalValueReference&lt;T&gt;</c> for a value signal.
/// </summary>
internal static class ClientEmitter
{
    private const string SignalsClient = "global::Signals.Client.ISignalsClient";
    private const string SignalReference = "global::Signals.Client.SignalReference";

    /// <summary>A struct of <c>SignalReference</c>s (<c>All</c>, one method per family) and the <c>client.TypeName()</c> extension returning it.</summary>
    public static void WriteSignalClient(SourceWriter writer, SignalTypeModel model, ClientModel client)
    {
        string type = model.FullyQualifiedName;
        string structName = client.TypeName + "Signals";
        string qualifiedStructName = model.Namespace is null ? "global::" + structName : $"global::{model.Namespace}.{structName}";
        writer.WriteLine($"/// <summary>The signals of <see cref=\"{type}\"/> on one <see cref=\"{SignalsClient}\"/>: what <c>client.{client.MethodName.TrimStart('@')}()</c> returns.</summary>");
        WriteAttributes(writer);
        writer.WriteLine($"{client.Accessibility} readonly struct {structName}");
        using (writer.Block())
        {
            writer.WriteLine($"private readonly {SignalsClient} _client;");
            writer.WriteLine();
            writer.WriteLine("/// <summary>Initializes a new instance over a client.</summary>");
            writer.WriteLine("/// <param name=\"client\">The client.</param>");
            writer.WriteLine($"/// <exception cref=\"{ArgumentNullExceptionType}\"><paramref name=\"client\"/> is <see langword=\"null\"/>.</exception>");
            writer.WriteLine($"public {structName}({SignalsClient} client) => _client = client ?? throw new {ArgumentNullExceptionType}(nameof(client));");
            if (model.Key is not null)
            {
                writer.WriteLine();
                writer.WriteLine(model.Computed is null
                    ? $"/// <summary>Gets the <c>{model.Key}</c> signal, bumped when any {model.TypeName} changes.</summary>"
                    : $"/// <summary>Gets the computed <c>{model.Key}</c> signal, moved whenever one of its inputs moves.</summary>");
                writer.WriteLine($"public {SignalReference} All => new {SignalReference}(_client, {type}.Keys.All);");
            }

            foreach (SignalFamilyModel family in model.Families)
            {
                writer.WriteLine();
                writer.WriteLine(model.Computed is null
                    ? $"/// <summary>Gets the signal of the <c>{family.Template}</c> family for the given values.</summary>"
                    : $"/// <summary>Gets the computed signal <c>{family.Template}</c> for the given arguments.</summary>");
                WriteParameterDocs(writer, family, model.Computed is null ? PropertyDoc : PlaceholderDoc);
                writer.WriteLine("/// <returns>The signal's reference.</returns>");
                writer.WriteLine($"{family.Accessibility} {SignalReference} {family.MethodName}({Parameters(family)}) => new {SignalReference}(_client, {type}.Keys.{family.MethodName}({Arguments(family)}));");
            }
        }

        writer.WriteLine();
        WriteClientExtensions(writer, model, client, () =>
        {
            writer.WriteLine($"/// <summary>Gets the signals of <see cref=\"{type}\"/> on this client.</summary>");
            writer.WriteLine("/// <param name=\"client\">The client.</param>");
            writer.WriteLine("/// <returns>The signals, each a reference to watch or read.</returns>");
            writer.WriteLine($"/// <exception cref=\"{ArgumentNullExceptionType}\"><paramref name=\"client\"/> is <see langword=\"null\"/>.</exception>");
            writer.WriteLine($"{client.Accessibility} static {qualifiedStructName} {client.MethodName}(this {SignalsClient} client) => new {qualifiedStructName}(client);");
        });
    }

    /// <summary>The <c>client.TypeName(args)</c> extension returning a <c>SignalValueReference&lt;T&gt;</c>.</summary>
    public static void WriteValueClient(SourceWriter writer, SignalTypeModel model, ValueSignalModel value, ClientModel client)
    {
        string type = model.FullyQualifiedName;
        SignalFamilyModel key = value.Key;
        string keyExpression = $"{type}.{ValueKey(key)}";
        WriteClientExtensions(writer, model, client, () =>
        {
            writer.WriteLine($"/// <summary>Gets the <c>{key.Template}</c> value signal on this client.</summary>");
            writer.WriteLine("/// <param name=\"client\">The client.</param>");
            WriteParameterDocs(writer, key, PlaceholderDoc);
            writer.WriteLine("/// <returns>A reference that reads and watches the value.</returns>");
            writer.WriteLine($"/// <exception cref=\"{ArgumentNullExceptionType}\"><paramref name=\"client\"/> is <see langword=\"null\"/>.</exception>");
            string parameters = key.Parameters.Count == 0 ? string.Empty : ", " + Parameters(key);
            writer.WriteLine($"{client.Accessibility} static global::Signals.Client.SignalValueReference<{type}> {client.MethodName}(this {SignalsClient} client{parameters})");
            writer.WriteLine($"    => new global::Signals.Client.SignalValueReference<{type}>(client, {keyExpression}, {type}.Values.CreateDefault);");
        });
    }

    private static void WriteClientExtensions(SourceWriter writer, SignalTypeModel model, ClientModel client, Action writeMethod)
    {
        writer.WriteLine($"/// <summary>Typed accessors for the signals of <see cref=\"{model.FullyQualifiedName}\"/> on <see cref=\"{SignalsClient}\"/>.</summary>");
        WriteAttributes(writer);
        writer.WriteLine($"{client.Accessibility} static class {client.TypeName}SignalsClientExtensions");
        using (writer.Block())
        {
            writeMethod();
        }
    }
}
