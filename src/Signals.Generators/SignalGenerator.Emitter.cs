using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Signals.Generators.Helpers;
using Signals.Generators.Models;

namespace Signals.Generators;

public sealed partial class SignalGenerator
{
    /// <summary>Writes the generated source: one file per annotated type, and one catalog file per assembly.</summary>
    internal static class Emitter
    {
        /// <summary>The catalog's hint name; <c>-</c> cannot appear in a type's hint name, so it never collides with one.</summary>
        public const string CatalogHintName = "Signals-Catalog.g.cs";

        private const string SignalKey = "global::Signals.SignalKey";
        private const string SignalsClient = "global::Signals.Client.ISignalsClient";
        private const string SignalReference = "global::Signals.Client.SignalReference";
        private const string ValueStore = "global::Signals.ISignalValueStore";
        private const string ValueStoreExtensions = "global::Signals.SignalValueStoreExtensions";
        private const string CancellationTokenParameter = "global::System.Threading.CancellationToken cancellationToken = default";
        private const string ArgumentNullException = "global::System.ArgumentNullException";

        private const string ExcludeFromCodeCoverageAttribute = "[global::System.Diagnostics.CodeAnalysis.ExcludeFromCodeCoverage]";

        private static readonly string GeneratedCodeAttribute =
            $"[global::System.CodeDom.Compiler.GeneratedCode(\"{ToolName}\", \"{typeof(SignalGenerator).Assembly.GetName().Version}\")]";

        /// <summary>Adds <c>{HintName}.g.cs</c> for <paramref name="model"/>.</summary>
        /// <param name="context">The output context.</param>
        /// <param name="model">The annotated type.</param>
        /// <param name="hasClient">Whether the compilation references Signals.Client, so that the typed client accessors compile.</param>
        public static void Emit(SourceProductionContext context, SignalTypeModel model, bool hasClient)
            => context.AddSource(model.HintName + ".g.cs", Write(model, hasClient).ToSourceText());

        /// <summary>Adds <see cref="CatalogHintName"/> when the assembly declares any signal.</summary>
        public static void EmitCatalog(SourceProductionContext context, EquatableArray<CatalogEntryModel> entries)
        {
            if (entries.Count > 0)
            {
                context.AddSource(CatalogHintName, WriteCatalog(entries).ToSourceText());
            }
        }

        /// <summary>The catalog entries of one type: its key, its families, or its value signal.</summary>
        public static EquatableArray<CatalogEntryModel> GetCatalogEntries(SignalTypeModel model)
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

        /// <summary>Writes the source for <paramref name="model"/>: the partial type, then its client accessors when <paramref name="hasClient"/>.</summary>
        internal static SourceWriter Write(SignalTypeModel model, bool hasClient)
        {
            SourceWriter writer = WriteHeader();
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
                WriteValueType(writer, model, value);
            }
            else
            {
                WriteSignalType(writer, model);
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
                    WriteValueClient(writer, model, clientValue, client);
                }
                else
                {
                    WriteSignalClient(writer, model, client);
                }
            }

            return writer;
        }

        private static SourceWriter WriteHeader()
        {
            var writer = new SourceWriter();
            writer.WriteLine("// <auto-generated/>");
            writer.WriteLine("#pragma warning disable");
            writer.WriteLine("#nullable enable");
            writer.WriteLine();
            return writer;
        }

        private static void WriteGeneratedAttributes(SourceWriter writer)
        {
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine(ExcludeFromCodeCoverageAttribute);
        }

        private static void WriteSignalType(SourceWriter writer, SignalTypeModel model)
        {
            writer.WriteLine($"partial {model.Keyword} {model.TypeName} : global::Signals.ISignalSource");
            using (writer.Block())
            {
                writer.WriteLine($"/// <summary>Typed keys of the signals declared on {model.TypeName}.</summary>");
                WriteGeneratedAttributes(writer);
                writer.WriteLine(model.HidesInheritedKeys ? "public new static class Keys" : "public static class Keys");
                using (writer.Block())
                {
                    bool first = true;
                    if (model.Key is not null)
                    {
                        writer.WriteLine($"/// <summary>Gets the key <c>{model.Key}</c>, bumped when any {model.TypeName} changes.</summary>");
                        writer.WriteLine($"public static {SignalKey} All {{ get; }} = {SignalKey}.Create({Literal(model.Key)});");
                        first = false;
                    }

                    foreach (SignalFamilyModel family in model.Families)
                    {
                        if (!first)
                        {
                            writer.WriteLine();
                        }

                        first = false;
                        writer.WriteLine($"/// <summary>Gets the key of the <c>{family.Template}</c> family for the given values.</summary>");
                        WriteFactory(writer, family, static p => $"The value of <c>{p.PropertyName}</c>.");
                    }
                }

                writer.WriteLine();
                WriteAddSignalKeys(writer, model);
            }
        }

        /// <summary>A key factory method.</summary>
        private static void WriteFactory(SourceWriter writer, SignalFamilyModel key, Func<SignalParameterModel, string> describeParameter)
        {
            WriteParameterDocs(writer, key, describeParameter);
            writer.WriteLine("/// <returns>The key.</returns>");
            writer.WriteLine($"{key.Accessibility} static {SignalKey} {key.MethodName}({Parameters(key)}) => {BuildKey(key)};");
        }

        private static void WriteParameterDocs(SourceWriter writer, SignalFamilyModel key, Func<SignalParameterModel, string> describe)
        {
            foreach (SignalParameterModel parameter in key.Parameters)
            {
                writer.WriteLine($"/// <param name=\"{parameter.ParameterName.TrimStart('@')}\">{describe(parameter)}</param>");
            }
        }

        /// <summary>
        /// <c>Create(prefix, args...)</c> for the leading literals and the arguments after them, then one <c>.Append(literal, args...)</c>
        /// per later run of literals: <c>user:{UserId}:room:{RoomId}</c> → <c>Create("user", a).Append("room", b)</c>.
        /// </summary>
        private static string BuildKey(SignalFamilyModel family)
        {
            var expression = new StringBuilder();
            var literal = new List<string>();
            var arguments = new List<string>();
            foreach (KeySegmentModel segment in family.Segments)
            {
                if (segment.IsLiteral)
                {
                    if (arguments.Count > 0)
                    {
                        AppendCall(expression, literal, arguments);
                    }

                    literal.Add(segment.Literal);
                }
                else
                {
                    arguments.Add($"{SignalKey}.FormatArgument({FormattedValue(family.Parameters[segment.ParameterIndex])})");
                }
            }

            AppendCall(expression, literal, arguments);
            return expression.ToString();
        }

        /// <summary>The value to format: the parameter, or the member a single-value wrapper holds (a null reference wrapper is rejected).</summary>
        private static string FormattedValue(SignalParameterModel parameter)
            => parameter switch
            {
                { WrapperMember: null } => parameter.ParameterName,
                { IsReferenceWrapper: true } => $"({parameter.ParameterName} ?? throw new {ArgumentNullException}(nameof({parameter.ParameterName}))).{parameter.WrapperMember}",
                _ => $"{parameter.ParameterName}.{parameter.WrapperMember}",
            };

        private static void AppendCall(StringBuilder expression, List<string> literal, List<string> arguments)
        {
            expression.Append(expression.Length == 0 ? SignalKey + ".Create(" : ".Append(");
            expression.Append(Literal(string.Join(":", literal)));
            foreach (string argument in arguments)
            {
                expression.Append(", ").Append(argument);
            }

            expression.Append(')');
            literal.Clear();
            arguments.Clear();
        }

        private static void WriteAddSignalKeys(SourceWriter writer, SignalTypeModel model)
        {
            writer.WriteLine("/// <inheritdoc/>");
            WriteGeneratedAttributes(writer);
            writer.WriteLine("void global::Signals.ISignalSource.AddSignalKeys(global::Signals.ISignalValueReader values, global::System.Collections.Generic.ICollection<global::Signals.SignalKey> keys)");
            using (writer.Block())
            {
                if (model.Key is not null)
                {
                    writer.WriteLine("keys.Add(Keys.All);");
                }

                foreach (SignalFamilyModel family in model.Families)
                {
                    WriteFamilyKeys(writer, family);
                }
            }
        }

        /// <summary>Reads each placeholder's property; a null value (reference type or <c>Nullable&lt;T&gt;</c>) yields no key.</summary>
        private static void WriteFamilyKeys(SourceWriter writer, SignalFamilyModel family)
        {
            if (family.Parameters.Count == 0)
            {
                writer.WriteLine($"keys.Add(Keys.{family.MethodName}());");
                return;
            }

            using (writer.Block())
            {
                var locals = new List<string>(family.Parameters.Count);
                var nullChecks = new List<string>();
                var arguments = new List<string>(family.Parameters.Count);
                foreach (SignalParameterModel parameter in family.Parameters)
                {
                    // The locals share the method's scope with its parameters: rename one that is called like them.
                    string local = parameter.ParameterName;
                    if (local is "values" or "keys")
                    {
                        do
                        {
                            local += "Value";
                        }
                        while (locals.Contains(local) || family.Parameters.Any(p => p.ParameterName == local));
                    }

                    locals.Add(local);
                    arguments.Add(parameter.IsNullableValueType ? local + ".Value" : local);
                    if (parameter.IsNullable)
                    {
                        nullChecks.Add(local + " is not null");
                    }

                    writer.WriteLine($"{parameter.ValueType} {local} = values.GetValue<{parameter.ValueType}>({Literal(parameter.PropertyName)});");
                }

                string call = $"keys.Add(Keys.{family.MethodName}({string.Join(", ", arguments)}));";
                if (nullChecks.Count == 0)
                {
                    writer.WriteLine(call);
                    return;
                }

                writer.WriteLine($"if ({string.Join(" && ", nullChecks)})");
                using (writer.Block())
                {
                    writer.WriteLine(call);
                }
            }
        }

        private static void WriteValueType(SourceWriter writer, SignalTypeModel model, ValueSignalModel value)
        {
            SignalFamilyModel key = value.Key;
            string type = model.FullyQualifiedName;
            string keyExpression = ValueKey(key);
            string keyParameters = key.Parameters.Count == 0 ? string.Empty : Parameters(key) + ", ";
            writer.WriteLine($"partial {model.Keyword} {model.TypeName}");
            using (writer.Block())
            {
                writer.WriteLine($"/// <summary>The typed key of the {model.TypeName} value signal.</summary>");
                WriteGeneratedAttributes(writer);
                writer.WriteLine(model.HidesInheritedKeys ? "public new static class Keys" : "public static class Keys");
                using (writer.Block())
                {
                    if (key.Parameters.Count == 0)
                    {
                        writer.WriteLine($"/// <summary>Gets the key <c>{key.Template}</c>, which holds the {model.TypeName} value.</summary>");
                        writer.WriteLine($"public static {SignalKey} Value {{ get; }} = {BuildKey(key)};");
                    }
                    else
                    {
                        writer.WriteLine($"/// <summary>Gets the key of the <c>{key.Template}</c> value for the given arguments.</summary>");
                        WriteFactory(writer, key, PlaceholderDoc);
                    }
                }

                writer.WriteLine();
                writer.WriteLine($"/// <summary>Typed reads and writes of the <c>{key.Template}</c> value in an <see cref=\"{ValueStore}\"/>; the value is stored as JSON (<see cref=\"global::System.Text.Json.JsonSerializerDefaults.Web\"/>).</summary>");
                WriteGeneratedAttributes(writer);
                writer.WriteLine(model.HidesInheritedValues ? "public new static class Values" : "public static class Values");
                using (writer.Block())
                {
                    writer.WriteLine($"/// <summary>Creates the value readers see while nothing is stored: <c>new {model.TypeName}()</c>.</summary>");
                    writer.WriteLine("/// <returns>A new default value.</returns>");
                    writer.WriteLine($"public static {type} CreateDefault() => new {type}();");

                    writer.WriteLine();
                    writer.WriteLine("/// <summary>Reads the value.</summary>");
                    WriteStoreParameterDocs(writer, key, "Cancels the read.");
                    writer.WriteLine("/// <returns>The stored value, or <see cref=\"CreateDefault\"/> when nothing is stored.</returns>");
                    WriteStoreExceptionDocs(writer, readsJson: true);
                    writer.WriteLine($"public static async global::System.Threading.Tasks.ValueTask<{type}> GetAsync({ValueStore} store, {keyParameters}{CancellationTokenParameter})");
                    writer.WriteLine($"    => (await GetWithVersionAsync(store, {Arguments(key, trailingComma: true)}cancellationToken).ConfigureAwait(false)).Value;");

                    writer.WriteLine();
                    writer.WriteLine("/// <summary>Reads the value and the version it was stored at.</summary>");
                    WriteStoreParameterDocs(writer, key, "Cancels the read.");
                    writer.WriteLine("/// <returns>The value and its version (version 0 with <see cref=\"CreateDefault\"/> when nothing is stored).</returns>");
                    WriteStoreExceptionDocs(writer, readsJson: true);
                    writer.WriteLine($"public static global::System.Threading.Tasks.ValueTask<global::Signals.SignalValue<{type}>> GetWithVersionAsync({ValueStore} store, {keyParameters}{CancellationTokenParameter})");
                    writer.WriteLine($"    => {ValueStoreExtensions}.GetAsync<{type}>(store, {keyExpression}, CreateDefault, cancellationToken);");

                    writer.WriteLine();
                    writer.WriteLine("/// <summary>Stores the value; a value equal to the stored one (same JSON hash) changes nothing and bumps no version.</summary>");
                    WriteStoreParameterDocs(writer, key, "Cancels the write.", "/// <param name=\"value\">The value.</param>");
                    writer.WriteLine("/// <returns>The stored value and its version, unchanged when the value was already stored.</returns>");
                    writer.WriteLine(value.IsReferenceType
                        ? $"/// <exception cref=\"{ArgumentNullException}\"><paramref name=\"store\"/> or <paramref name=\"value\"/> is <see langword=\"null\"/>.</exception>"
                        : $"/// <exception cref=\"{ArgumentNullException}\"><paramref name=\"store\"/> is <see langword=\"null\"/>.</exception>");
                    writer.WriteLine($"public static global::System.Threading.Tasks.ValueTask<global::Signals.SignalValue<{type}>> SetAsync({ValueStore} store, {keyParameters}{type} value, {CancellationTokenParameter})");
                    using (writer.Block())
                    {
                        if (value.IsReferenceType)
                        {
                            writer.WriteLine($"{ArgumentNullException}.ThrowIfNull(value);");
                        }

                        writer.WriteLine($"return {ValueStoreExtensions}.SetAsync<{type}>(store, {keyExpression}, value, cancellationToken);");
                    }

                    writer.WriteLine();
                    writer.WriteLine("/// <summary>Deletes the value, so readers see <see cref=\"CreateDefault\"/> again; bumps the version when a value was stored.</summary>");
                    WriteStoreParameterDocs(writer, key, "Cancels the write.");
                    writer.WriteLine("/// <returns><see langword=\"true\"/> when a value was stored and is now deleted.</returns>");
                    WriteStoreExceptionDocs(writer, readsJson: false);
                    writer.WriteLine($"public static global::System.Threading.Tasks.ValueTask<bool> DeleteAsync({ValueStore} store, {keyParameters}{CancellationTokenParameter})");
                    using (writer.Block())
                    {
                        writer.WriteLine($"{ArgumentNullException}.ThrowIfNull(store);");
                        writer.WriteLine($"return store.DeleteAsync({keyExpression}, cancellationToken);");
                    }

                    foreach (CounterModel counter in value.Counters)
                    {
                        writer.WriteLine();
                        writer.WriteLine($"/// <summary>Adds to <see cref=\"{type}.{counter.PropertyName}\"/> atomically in the store (concurrent increments on any instance never lose one), starting from <see cref=\"CreateDefault\"/> when nothing is stored.</summary>");
                        WriteStoreParameterDocs(writer, key, "Cancels the write.", "/// <param name=\"delta\">The amount to add; may be negative.</param>");
                        writer.WriteLine("/// <returns>The new value and its version.</returns>");
                        WriteStoreExceptionDocs(writer, readsJson: true);
                        writer.WriteLine($"public static global::System.Threading.Tasks.ValueTask<global::Signals.SignalValue<{type}>> Increment{counter.PropertyName}Async({ValueStore} store, {keyParameters}long delta, {CancellationTokenParameter})");
                        writer.WriteLine($"    => {ValueStoreExtensions}.IncrementAsync<{type}>(store, {keyExpression}, {Literal(counter.JsonName)}, delta, CreateDefault, cancellationToken);");
                    }
                }
            }
        }

        /// <summary>A value signal's key inside its type: the property <c>Keys.Value</c>, or the factory <c>Keys.Value(args)</c> for a template.</summary>
        private static string ValueKey(SignalFamilyModel key) => key.Parameters.Count == 0 ? "Keys.Value" : $"Keys.Value({Arguments(key)})";

        private static string PlaceholderDoc(SignalParameterModel parameter) => $"The <c>{{{parameter.PropertyName}}}</c> argument.";

        private static void WriteStoreParameterDocs(SourceWriter writer, SignalFamilyModel key, string cancellation, string? valueDoc = null)
        {
            writer.WriteLine("/// <param name=\"store\">The value store.</param>");
            WriteParameterDocs(writer, key, PlaceholderDoc);
            if (valueDoc is not null)
            {
                writer.WriteLine(valueDoc);
            }

            writer.WriteLine($"/// <param name=\"cancellationToken\">{cancellation}</param>");
        }

        private static void WriteStoreExceptionDocs(SourceWriter writer, bool readsJson)
        {
            writer.WriteLine($"/// <exception cref=\"{ArgumentNullException}\"><paramref name=\"store\"/> is <see langword=\"null\"/>.</exception>");
            if (readsJson)
            {
                writer.WriteLine("/// <exception cref=\"global::System.Text.Json.JsonException\">The stored JSON does not deserialize to the value's type.</exception>");
            }
        }

        /// <summary>A struct of <c>SignalReference</c>s (<c>All</c>, one method per family) and the <c>client.TypeName()</c> extension returning it.</summary>
        private static void WriteSignalClient(SourceWriter writer, SignalTypeModel model, ClientModel client)
        {
            string type = model.FullyQualifiedName;
            string structName = client.TypeName + "Signals";
            string qualifiedStructName = model.Namespace is null ? "global::" + structName : $"global::{model.Namespace}.{structName}";
            writer.WriteLine($"/// <summary>The signals of <see cref=\"{type}\"/> on one <see cref=\"{SignalsClient}\"/>: what <c>client.{client.MethodName.TrimStart('@')}()</c> returns.</summary>");
            WriteGeneratedAttributes(writer);
            writer.WriteLine($"{client.Accessibility} readonly struct {structName}");
            using (writer.Block())
            {
                writer.WriteLine($"private readonly {SignalsClient} _client;");
                writer.WriteLine();
                writer.WriteLine("/// <summary>Initializes a new instance over a client.</summary>");
                writer.WriteLine("/// <param name=\"client\">The client.</param>");
                writer.WriteLine($"/// <exception cref=\"{ArgumentNullException}\"><paramref name=\"client\"/> is <see langword=\"null\"/>.</exception>");
                writer.WriteLine($"public {structName}({SignalsClient} client) => _client = client ?? throw new {ArgumentNullException}(nameof(client));");
                if (model.Key is not null)
                {
                    writer.WriteLine();
                    writer.WriteLine($"/// <summary>Gets the <c>{model.Key}</c> signal, bumped when any {model.TypeName} changes.</summary>");
                    writer.WriteLine($"public {SignalReference} All => new {SignalReference}(_client, {type}.Keys.All);");
                }

                foreach (SignalFamilyModel family in model.Families)
                {
                    writer.WriteLine();
                    writer.WriteLine($"/// <summary>Gets the signal of the <c>{family.Template}</c> family for the given values.</summary>");
                    WriteParameterDocs(writer, family, static p => $"The value of <c>{p.PropertyName}</c>.");
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
                writer.WriteLine($"/// <exception cref=\"{ArgumentNullException}\"><paramref name=\"client\"/> is <see langword=\"null\"/>.</exception>");
                writer.WriteLine($"{client.Accessibility} static {qualifiedStructName} {client.MethodName}(this {SignalsClient} client) => new {qualifiedStructName}(client);");
            });
        }

        /// <summary>The <c>client.TypeName(args)</c> extension returning a <c>SignalValueReference&lt;T&gt;</c>.</summary>
        private static void WriteValueClient(SourceWriter writer, SignalTypeModel model, ValueSignalModel value, ClientModel client)
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
                writer.WriteLine($"/// <exception cref=\"{ArgumentNullException}\"><paramref name=\"client\"/> is <see langword=\"null\"/>.</exception>");
                string parameters = key.Parameters.Count == 0 ? string.Empty : ", " + Parameters(key);
                writer.WriteLine($"{client.Accessibility} static global::Signals.Client.SignalValueReference<{type}> {client.MethodName}(this {SignalsClient} client{parameters})");
                writer.WriteLine($"    => new global::Signals.Client.SignalValueReference<{type}>(client, {keyExpression}, {type}.Values.CreateDefault);");
            });
        }

        private static void WriteClientExtensions(SourceWriter writer, SignalTypeModel model, ClientModel client, Action writeMethod)
        {
            writer.WriteLine($"/// <summary>Typed accessors for the signals of <see cref=\"{model.FullyQualifiedName}\"/> on <see cref=\"{SignalsClient}\"/>.</summary>");
            WriteGeneratedAttributes(writer);
            writer.WriteLine($"{client.Accessibility} static class {client.TypeName}SignalsClientExtensions");
            using (writer.Block())
            {
                writeMethod();
            }
        }

        private static SourceWriter WriteCatalog(EquatableArray<CatalogEntryModel> entries)
        {
            SourceWriter writer = WriteHeader();
            writer.WriteLine("/// <summary>Registers the signals this assembly declares with <see cref=\"global::Signals.SignalCatalog\"/> when the assembly is loaded.</summary>");
            WriteGeneratedAttributes(writer);
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

        private static string Parameters(SignalFamilyModel key) => string.Join(", ", key.Parameters.Select(static p => $"{p.ParameterType} {p.ParameterName}"));

        private static string Arguments(SignalFamilyModel key, bool trailingComma = false)
        {
            string arguments = string.Join(", ", key.Parameters.Select(static p => p.ParameterName));
            return trailingComma && arguments.Length > 0 ? arguments + ", " : arguments;
        }

        private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
    }
}
