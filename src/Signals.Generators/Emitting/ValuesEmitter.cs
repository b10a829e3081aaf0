using Signals.Generators.Helpers;
using Signals.Generators.Models;
using static Signals.Generators.Emitting.GeneratedCode;

namespace Signals.Generators.Emitting;

/// <summary>
/// Writes a value signal type's members: its <c>Keys.Value</c> (a property, or a factory for a template) and its <c>Values</c> class of
/// typed accessors over <c>ISignalValueStore</c> (<c>CreateDefault</c>, <c>GetAsync</c>, <c>SetAsync</c>, <c>UpdateAsync</c>, <c>DeleteAsync</c>, one
/// <c>Increment…Async</c> per counter).
/// </summary>
internal static class ValuesEmitter
{
    private const string ValueStore = "global::Signals.ISignalValueStore";
    private const string ValueStoreExtensions = "global::Signals.SignalValueStoreExtensions";

    /// <summary>Writes the partial type with its <c>Keys</c> and <c>Values</c> classes.</summary>
    public static void WriteValueType(SourceWriter writer, SignalTypeModel model, ValueSignalModel value)
    {
        SignalFamilyModel key = value.Key;
        string type = model.FullyQualifiedName;
        string keyExpression = ValueKey(key);
        string keyParameters = key.Parameters.Count == 0 ? string.Empty : Parameters(key) + ", ";
        writer.WriteLine($"partial {model.Keyword} {model.TypeName}");
        using (writer.Block())
        {
            using (OpenStaticClass(writer, $"The typed key of the {model.TypeName} value signal.", "Keys", model.HidesInheritedKeys))
            {
                if (key.Parameters.Count == 0)
                {
                    writer.WriteLine($"/// <summary>Gets the key <c>{key.Template}</c>, which holds the {model.TypeName} value.</summary>");
                    writer.WriteLine($"public static {SignalKey} Value {{ get; }} = {KeysEmitter.BuildKey(key)};");
                }
                else
                {
                    writer.WriteLine($"/// <summary>Gets the key of the <c>{key.Template}</c> value for the given arguments.</summary>");
                    KeysEmitter.WriteFactory(writer, key, PlaceholderDoc);
                }
            }

            writer.WriteLine();
            string summary = $"Typed reads and writes of the <c>{key.Template}</c> value in an <see cref=\"{ValueStore}\"/>; the value is stored as JSON (<see cref=\"global::System.Text.Json.JsonSerializerDefaults.Web\"/>).";
            using (OpenStaticClass(writer, summary, "Values", model.HidesInheritedValues))
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
                    ? $"/// <exception cref=\"{ArgumentNullExceptionType}\"><paramref name=\"store\"/> or <paramref name=\"value\"/> is <see langword=\"null\"/>.</exception>"
                    : $"/// <exception cref=\"{ArgumentNullExceptionType}\"><paramref name=\"store\"/> is <see langword=\"null\"/>.</exception>");
                writer.WriteLine($"public static global::System.Threading.Tasks.ValueTask<global::Signals.SignalValue<{type}>> SetAsync({ValueStore} store, {keyParameters}{type} value, {CancellationTokenParameter})");
                using (writer.Block())
                {
                    if (value.IsReferenceType)
                    {
                        writer.WriteLine($"{ArgumentNullExceptionType}.ThrowIfNull(value);");
                    }

                    writer.WriteLine($"return {ValueStoreExtensions}.SetAsync<{type}>(store, {keyExpression}, value, cancellationToken);");
                }

                writer.WriteLine();
                writer.WriteLine("/// <summary>Updates the value from its current one (<c>current =&gt; current with { … }</c>), starting from <see cref=\"CreateDefault\"/> when nothing is stored: stores the result only if the value is still at the version read, and starts over when a concurrent writer on any instance got there first, so no update is lost.</summary>");
                WriteStoreParameterDocs(writer, key, "Cancels the update.", "/// <param name=\"update\">Computes the new value from the current one; it may run once per attempt, so it must not have side effects.</param>");
                writer.WriteLine("/// <returns>The stored value and its version.</returns>");
                WriteStoreExceptionDocs(writer, readsJson: true);
                writer.WriteLine("/// <exception cref=\"global::Signals.SignalValueConflictException\">The update lost to concurrent writers on every attempt; nothing was written.</exception>");
                writer.WriteLine($"public static global::System.Threading.Tasks.ValueTask<global::Signals.SignalValue<{type}>> UpdateAsync({ValueStore} store, {keyParameters}global::System.Func<{type}, {type}> update, {CancellationTokenParameter})");
                writer.WriteLine($"    => {ValueStoreExtensions}.UpdateAsync<{type}>(store, {keyExpression}, CreateDefault, update, cancellationToken);");

                writer.WriteLine();
                writer.WriteLine("/// <summary>Deletes the value, so readers see <see cref=\"CreateDefault\"/> again; bumps the version when a value was stored.</summary>");
                WriteStoreParameterDocs(writer, key, "Cancels the write.");
                writer.WriteLine("/// <returns><see langword=\"true\"/> when a value was stored and is now deleted.</returns>");
                WriteStoreExceptionDocs(writer, readsJson: false);
                writer.WriteLine($"public static global::System.Threading.Tasks.ValueTask<bool> DeleteAsync({ValueStore} store, {keyParameters}{CancellationTokenParameter})");
                using (writer.Block())
                {
                    writer.WriteLine($"{ArgumentNullExceptionType}.ThrowIfNull(store);");
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
        writer.WriteLine($"/// <exception cref=\"{ArgumentNullExceptionType}\"><paramref name=\"store\"/> is <see langword=\"null\"/>.</exception>");
        if (readsJson)
        {
            writer.WriteLine("/// <exception cref=\"global::System.Text.Json.JsonException\">The stored JSON does not deserialize to the value's type.</exception>");
        }
    }
}
